package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import at.favre.lib.crypto.bcrypt.BCrypt;

/**
 * A CNCF distribution registry ({@code /usr/bin/docker-registry}, Debian package {@code docker-registry})
 * running as a child process on 127.0.0.1, for end-to-end tests.
 *
 * <p>Each instance owns a temporary directory holding its config, filesystem storage and log; {@link #close()}
 * stops the process and deletes the directory. The registry speaks plain HTTP, without auth unless
 * started {@link #startWithHtpasswd with htpasswd}. Its log is
 * parsed by {@link #countRequests} so tests can assert which requests reached it.
 */
public final class DockerRegistryProcess implements AutoCloseable {

    private static final Path EXECUTABLE = Path.of("/usr/bin/docker-registry");
    /** Covers a cold start on a busy 2-core CI machine; a healthy start takes well under a second. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOG_FLUSH_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** The free port is found before the registry binds it, so another process may take it in between. */
    private static final int BIND_ATTEMPTS = 3;

    private final Path workDir;
    private final Path logFile;
    private final Process process;
    private final int port;
    private final HttpClient http;
    private final TestPki tls;

    private DockerRegistryProcess(Path workDir, Path logFile, Process process, int port, HttpClient http, TestPki tls) {
        this.workDir = workDir;
        this.logFile = logFile;
        this.process = process;
        this.port = port;
        this.http = http;
        this.tls = tls;
    }

    /** Starts a registry that stores what is pushed to it. */
    public static DockerRegistryProcess start() throws IOException {
        return startWithConfig("", null);
    }

    /** Starts a registry that stores what is pushed to it and serves HTTPS with {@code pki}'s certificate. */
    public static DockerRegistryProcess startTls(TestPki pki) throws IOException {
        return startWithConfig("", pki);
    }

    /**
     * Starts a registry that asks for Basic credentials (distribution's {@code htpasswd} auth, bcrypt
     * hashed): a private upstream. Until they are sent it answers 401 with a Basic challenge.
     */
    public static DockerRegistryProcess startWithHtpasswd(String username, String password) throws IOException {
        Path htpasswd = Files.createTempFile("htpasswd-", "");
        htpasswd.toFile().deleteOnExit();
        String hash = BCrypt.withDefaults().hashToString(4, password.toCharArray());
        Files.writeString(htpasswd, username + ":" + hash + "\n");
        return startWithConfig("""
                auth:
                  htpasswd:
                    realm: private-registry
                    path: "%s"
                """.formatted(htpasswd), null);
    }

    /**
     * Starts a pull-through cache registry in front of {@code remoteUrl} (distribution's proxy mode).
     *
     * <p>{@code remoteUrl} must already answer {@code GET /v2/}: the registry pings it while starting and
     * exits if it cannot connect. On a cache miss it fetches each blob from the remote twice, once to
     * answer the client and once to store it; later pulls of that blob do not reach the remote.
     */
    public static DockerRegistryProcess startProxyOf(URI remoteUrl) throws IOException {
        return startWithConfig("proxy:\n  remoteurl: \"" + remoteUrl + "\"\n", null);
    }

    /** {@code http://127.0.0.1:<port>}, or {@code https://} when it serves TLS */
    public URI endpoint() {
        return URI.create((tls == null ? "http://" : "https://") + hostPort());
    }

    /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The registry's combined stdout and stderr; deleted by {@link #close()}. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Counts the requests the registry has completed with the given method and a request URI (path plus
     * query, as sent) that matches {@code uriRegex} entirely. Requests this class sends itself show up too:
     * {@code GET /v2/} while starting and {@code GET /v2/?log-barrier=<uuid>} on each call.
     *
     * <p>The registry logs a request just after sending the response, so a client may finish before the
     * line is written. This method therefore first sends a barrier request and waits until it is logged.
     */
    public int countRequests(String method, String uriRegex) throws IOException {
        awaitLogBarrier();
        Pattern uriPattern = Pattern.compile(uriRegex);
        return new RegistryRequestLog(logFile)
                .count(request -> request.method().equals(method) && uriPattern.matcher(request.uri()).matches());
    }

    /** Stops the registry (SIGTERM, then SIGKILL if it lingers) and deletes its directory. */
    @Override
    public void close() {
        ChildProcesses.stop(process);
        try {
            deleteRecursively(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DockerRegistryProcess startWithConfig(String extraConfig, TestPki tls) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IOException(EXECUTABLE + " is missing; install it with scripts/install-test-deps");
        }
        Path workDir = Files.createTempDirectory("docker-registry-");
        try {
            return startIn(workDir, extraConfig, tls);
        } catch (IOException | RuntimeException e) {
            try {
                deleteRecursively(workDir);
            } catch (IOException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    private static DockerRegistryProcess startIn(Path workDir, String extraConfig, TestPki tls) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT);
        HttpClient http = (tls == null ? builder : builder.sslContext(tls.clientContext())).build();
        for (int attempt = 1; ; attempt++) {
            int port = ChildProcesses.freeLoopbackPort();
            Path logFile = workDir.resolve("registry-" + port + ".log");
            Process process = launch(workDir, port, extraConfig, tls, logFile);
            DockerRegistryProcess registry = new DockerRegistryProcess(workDir, logFile, process, port, http, tls);
            if (registry.awaitReady()) {
                return registry;
            }
            boolean exited = !process.isAlive();
            String logTail = ChildProcesses.tail(logFile);
            ChildProcesses.stop(process);
            boolean lostPortRace = exited && logTail.contains("bind: address already in use");
            if (!lostPortRace || attempt == BIND_ATTEMPTS) {
                throw new IOException((exited
                        ? "docker-registry exited with code " + process.exitValue() + " before answering GET /v2/"
                        : "docker-registry did not answer GET /v2/ within " + STARTUP_TIMEOUT)
                        + "; last log lines:\n" + logTail);
            }
        }
    }

    private static Process launch(Path workDir, int port, String extraConfig, TestPki tls, Path logFile)
            throws IOException {
        Path config = workDir.resolve("config-" + port + ".yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: info
                  formatter: text
                  # One line per request is enough: the request line of the access log repeats the logrus one.
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: "%s"
                http:
                  addr: 127.0.0.1:%d
                  # A fixed secret only silences the startup warning about a generated one.
                  secret: "%s"
                """.formatted(workDir.resolve("storage"), port, UUID.randomUUID())
                + (tls == null ? "" : """
                  tls:
                    certificate: "%s"
                    key: "%s"
                """.formatted(tls.certFile(), tls.keyFile()))
                + extraConfig);
        return new ProcessBuilder(EXECUTABLE.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
    }

    /** Polls {@code GET /v2/} until it answers (200, or 401 when it asks for credentials); false if the process exits or the timeout passes. */
    private boolean awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int status = get("/v2/");
                if (status == 200 || status == 401) {
                    return true;
                }
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException notListeningYet) {
                // Connection refused until the registry has bound its port.
            }
            if (waitForExit(process, POLL_INTERVAL)) {
                return false;
            }
        }
        return false;
    }

    private void awaitLogBarrier() throws IOException {
        String marker = "log-barrier=" + UUID.randomUUID();
        get("/v2/?" + marker);
        long deadline = System.nanoTime() + LOG_FLUSH_TIMEOUT.toNanos();
        while (!Files.readString(logFile, StandardCharsets.UTF_8).contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("docker-registry did not log request " + marker + " within "
                        + LOG_FLUSH_TIMEOUT + "; last log lines:\n" + ChildProcesses.tail(logFile));
            }
            if (waitForExit(process, POLL_INTERVAL)) {
                throw new IOException("docker-registry exited; last log lines:\n" + ChildProcesses.tail(logFile));
            }
        }
    }

    private int get(String pathAndQuery) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(endpoint().resolve(pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during GET " + pathAndQuery);
        }
    }

    /** Waits up to {@code timeout} for the process to exit; doubles as the bounded pause between polls. */
    private static boolean waitForExit(Process process, Duration timeout) throws IOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for docker-registry");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
