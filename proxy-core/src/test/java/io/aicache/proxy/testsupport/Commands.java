package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short program (a script, a linter, {@code docker-compose config}) to its end, with a time limit. */
public final class Commands {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);

    /** How the program ended: its exit code and what it printed (stdout and stderr together). */
    public record Result(int exitCode, String output) {
    }

    private Commands() {
    }

    /** Runs {@code command} in {@code dir} with the test's environment. */
    public static Result run(Path dir, List<String> command) throws IOException {
        return run(dir, command, null);
    }

    /**
     * Runs {@code command} in {@code dir} with {@code environment} alone (the test's own when null); its output
     * goes to a file in {@code dir}.
     *
     * @throws AssertionError if it takes longer than two minutes (it is killed)
     */
    public static Result run(Path dir, List<String> command, Map<String, String> environment) throws IOException {
        Path output = Files.createTempFile(dir, "command-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("timed out: " + command + "\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
