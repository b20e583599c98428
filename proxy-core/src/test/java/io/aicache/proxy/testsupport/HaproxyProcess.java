package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's HAProxy ({@code /usr/sbin/haproxy}) as a child process on 127.0.0.1, running a configuration file
 * as it is shipped, with the environment variables it reads: the balancer of {@code deploy/scale-out}. It logs
 * to a file under {@code logDir}; {@link #close()} stops only this HAProxy.
 */
public final class HaproxyProcess implements AutoCloseable {

    public static final Path EXECUTABLE = Path.of("/usr/sbin/haproxy");
    private static final int BIND_ATTEMPTS = 3;

    private final Process process;
    private final Path log;
    private final int port;

    private HaproxyProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts HAProxy with {@code config}, listening on a free loopback port named by {@code listenVariable}, the
     * other variables from {@code environment}; waits until it accepts connections.
     */
    public static HaproxyProcess start(Path config, String listenVariable, Map<String, String> environment, Path logDir)
            throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IOException(EXECUTABLE + " is missing; install it with scripts/install-test-deps");
        }
        for (int attempt = 1; ; attempt++) {
            int port = ChildProcesses.freeLoopbackPort();
            Path log = logDir.resolve("haproxy-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(EXECUTABLE.toString(), "-db", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            builder.environment().put(listenVariable, "127.0.0.1:" + port);
            Process process = builder.start();
            HaproxyProcess haproxy = new HaproxyProcess(process, log, port);
            try {
                Eventually.until(() -> "haproxy listens on " + port + "; its log:\n" + ChildProcesses.tail(log),
                        () -> !process.isAlive() || haproxy.accepts());
            } catch (AssertionError notListening) {
                ChildProcesses.stop(process);
                throw notListening;
            }
            if (process.isAlive()) {
                return haproxy;
            }
            String output = ChildProcesses.tail(log);
            if (!output.contains("cannot bind socket") || attempt == BIND_ATTEMPTS) {
                throw new IOException("haproxy exited with " + process.exitValue() + ":\n" + output);
            }
        }
    }

    /** Runs {@code haproxy -c -f config} with {@code environment}; returns its output, or throws with it. */
    public static String check(Path config, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(EXECUTABLE.toString(), "-c", "-f", config.toString()))
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new AssertionError("haproxy -c -f " + config + " refused it:\n" + output);
        }
        return output;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of an image reference through the balancer. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public URI uri(String path) {
        return URI.create("http://" + hostPort() + path);
    }

    /** What HAProxy logged: one line per request, and each server it took out or back. */
    public String log() {
        return ChildProcesses.tail(log);
    }

    private boolean accepts() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
