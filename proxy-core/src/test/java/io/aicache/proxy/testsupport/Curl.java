package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code /usr/bin/curl} with an empty environment (no proxy variables, no {@code .curlrc})
 * and a time limit, writing the body to a file and reporting the status code.
 */
public final class Curl {

    private static final Path EXECUTABLE = Path.of("/usr/bin/curl");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * How a run ended: curl's exit code, the HTTP status of the answer (0 for none), the status a
     * proxy gave its CONNECT (0 for none) and what curl printed on stderr.
     */
    public record Result(int exitCode, int status, int connectStatus, String stderr) {
    }

    private Curl() {
    }

    /** {@code curl [args] -o body url}; a status of 400 or more is reported, not raised. */
    public static Result get(String url, Path body, String... args) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IOException(EXECUTABLE + " is missing; install it with scripts/install-test-deps");
        }
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), "--silent", "--show-error", "-q",
                "--max-time", Long.toString(TIMEOUT.toSeconds()), "--write-out", "%{http_code} %{http_connect}", "--output", body.toString()));
        command.addAll(List.of(args));
        command.add(url);
        Path stdout = Files.createTempFile("curl-", ".out");
        Path stderr = Files.createTempFile("curl-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().clear();
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
                ChildProcesses.stop(process);
                throw new IOException("curl did not finish: " + command);
            }
            String[] codes = Files.readString(stdout, StandardCharsets.US_ASCII).trim().split(" ");
            return new Result(process.exitValue(), Integer.parseInt(codes[0]), Integer.parseInt(codes[1]),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running curl", e);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
