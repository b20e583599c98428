package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code aicache serve} in a JVM of its own, for what only a process's environment sets: a cloud's
 * identity endpoint, which SDKs read from environment variables alone. It inherits the test's classpath and
 * environment, less every Azure identity variable, plus the given ones; it listens on a free loopback port,
 * learnt from the line it prints when serving.
 */
public final class AicacheProcess implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("aicache serving the registry API on /127\\.0\\.0\\.1:(\\d+)");
    /** Variables the Azure SDK reads to choose an identity: none of the test machine's may leak in. */
    private static final Pattern AZURE_IDENTITY_VARIABLE = Pattern.compile("AZURE_.*|IDENTITY_.*|MSI_.*|IMDS_.*");

    private final Process process;
    private final Path log;
    private final int port;

    private AicacheProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts aicache with {@code configYaml} (its {@code server.listen} is set here) in {@code dir}, and
     * waits until it serves.
     */
    public static AicacheProcess start(Path dir, String configYaml, Map<String, String> environment) throws IOException {
        Path config = Files.writeString(dir.resolve("aicache.yaml"), "server: {listen: \"127.0.0.1:0\"}\n" + configYaml);
        Path log = dir.resolve("aicache.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.aicache.proxy.cli.AicacheCommand",
                "serve", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> AZURE_IDENTITY_VARIABLE.matcher(name).matches());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            int[] port = new int[1];
            Eventually.until(() -> "aicache serves; its log:\n" + ChildProcesses.tail(log), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("aicache exited with " + process.exitValue() + ":\n" + ChildProcesses.tail(log));
                }
                Optional<Integer> found = servingPort(log);
                found.ifPresent(p -> port[0] = p);
                return found.isPresent();
            });
            return new AicacheProcess(process, log, port[0]);
        } catch (AssertionError | RuntimeException notStarted) {
            // A child that never served must not outlive the test.
            ChildProcesses.stop(process);
            throw notStarted;
        }
    }

    private static Optional<Integer> servingPort(Path log) {
        try {
            Matcher serving = SERVING.matcher(Files.readString(log));
            return serving.find() ? Optional.of(Integer.parseInt(serving.group(1))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** What aicache printed and logged so far. */
    public String log() {
        return ChildProcesses.tail(log);
    }

    /** Kills aicache with SIGKILL, as a crash would: no shutdown hook runs, connections are dropped. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
