package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}) as a child process on 127.0.0.1, serving a directory
 * as static files (a classic chart repository, files by URL) for end-to-end tests. Each instance has its own
 * prefix (config, logs, temp paths, pid) under a temporary directory, deleted on {@link #close()},
 * which stops only this nginx. Its access log (method, path, status per line) tells which
 * requests reached it.
 */
public final class NginxProcess implements AutoCloseable {

    private static final Path EXECUTABLE = Path.of("/usr/sbin/nginx");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private final Path prefix;
    private final Process process;
    private final int port;

    private NginxProcess(Path prefix, Process process, int port) {
        this.prefix = prefix;
        this.process = process;
        this.port = port;
    }

    /** Starts nginx serving the files under {@code root} at {@code /}. */
    public static NginxProcess serving(Path root) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IOException(EXECUTABLE + " is missing; install it with scripts/install-test-deps");
        }
        Path prefix = Files.createTempDirectory("nginx-");
        try {
            for (int attempt = 1; ; attempt++) {
                int port = ChildProcesses.freeLoopbackPort();
                Process process = launch(prefix, root, port);
                NginxProcess nginx = new NginxProcess(prefix, process, port);
                if (nginx.awaitListening()) {
                    return nginx;
                }
                String errors = ChildProcesses.tail(prefix.resolve("error.log"));
                ChildProcesses.stop(process);
                if (!errors.contains("Address already in use") || attempt == BIND_ATTEMPTS) {
                    throw new IOException("nginx did not start on port " + port + "; error log:\n" + errors);
                }
            }
        } catch (IOException | RuntimeException e) {
            deleteRecursively(prefix);
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Requests nginx answered with {@code method} for exactly {@code path}. */
    public long count(String method, String path) throws IOException {
        Path log = prefix.resolve("access.log");
        if (!Files.exists(log)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return lines.stream().filter(line -> line.startsWith(method + " " + path + " ")).count();
    }

    /** Requests nginx answered with {@code method} for exactly {@code path}, with {@code status}. */
    public long count(String method, String path, int status) throws IOException {
        Path log = prefix.resolve("access.log");
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.equals(method + " " + path + " " + status)).count();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
        deleteRecursively(prefix);
    }

    private static Process launch(Path prefix, Path root, int port) throws IOException {
        Files.createDirectories(prefix.resolve("temp"));
        Path config = prefix.resolve("nginx-" + port + ".conf");
        // As root, nginx's workers would switch to nobody, who cannot read a test's 0700 temp directories.
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
        Files.writeString(config, user + """
                worker_processes 1;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                  log_format requests '$request_method $uri $status';
                  access_log %1$s/access.log requests;
                  client_body_temp_path %1$s/temp/body;
                  proxy_temp_path %1$s/temp/proxy;
                  fastcgi_temp_path %1$s/temp/fastcgi;
                  uwsgi_temp_path %1$s/temp/uwsgi;
                  scgi_temp_path %1$s/temp/scgi;
                  types { application/x-yaml yaml; application/gzip tgz; }
                  default_type application/octet-stream;
                  server {
                    listen 127.0.0.1:%2$d;
                    root %3$s;
                  }
                }
                """.formatted(prefix, port, root.toAbsolutePath()));
        return new ProcessBuilder(EXECUTABLE.toString(), "-p", prefix.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
    }

    /** Polls the port until nginx accepts a connection; false if it exits or the timeout passes. */
    private boolean awaitListening() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException notListeningYet) {
                // refused until nginx has bound its port
            }
            try {
                if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for nginx");
            }
        }
        return false;
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is no test failure
        }
    }
}
