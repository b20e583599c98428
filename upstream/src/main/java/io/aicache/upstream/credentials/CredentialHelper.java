package io.aicache.upstream.credentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;

/**
 * One Docker credential helper, {@code docker-credential-<name>}, spoken to as Docker does: {@code get}
 * with the server URL on standard input, a JSON object with {@code Username} and {@code Secret} on
 * standard output. Any helper a team has (ecr-login, gcr, acr-env, pass, secretservice) works unchanged.
 * Its output never reaches a message: a failure says the exit code and the first line the helper wrote.
 */
public final class CredentialHelper {

    private static final String PREFIX = "docker-credential-";
    /** What helpers print when they hold nothing for the server (docker-credential-helpers' ErrCredentialsNotFound). */
    private static final String NOT_FOUND = "credentials not found";
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;
    private static final int MAX_MESSAGE_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads helpers' output while the caller waits with a timeout; blocking reads stay off shared pools. */
    private static final ExecutorService OUTPUT_READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "aicache-credential-helper");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final Path executable;
    private final Duration timeout;

    private CredentialHelper(String name, Path executable, Duration timeout) {
        this.name = name;
        this.executable = executable;
        this.timeout = timeout;
    }

    /**
     * The helper {@code name}, found in {@code directories} as {@code docker-credential-<name>}.
     *
     * @throws CredentialsUnavailableException when no such executable is there
     */
    public static CredentialHelper find(String name, List<Path> directories, Duration timeout) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new CredentialsUnavailableException("'" + name + "' is not a credential helper name");
        }
        for (Path directory : directories) {
            Path candidate = directory.resolve(PREFIX + name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return new CredentialHelper(name, candidate, timeout);
            }
        }
        throw new CredentialsUnavailableException("docker credential helper '" + name + "' (" + PREFIX + name
                + ") is not in any of " + directories);
    }

    public String name() {
        return name;
    }

    /**
     * The helper's credentials for {@code serverUrl}; empty when it says it holds none. Blocks until the
     * helper exits or {@code timeout} passes (then it is killed).
     */
    public Optional<Credentials> get(String serverUrl) {
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "get").start();
        } catch (IOException e) {
            throw unavailable("cannot be started: " + e.getMessage(), e);
        }
        try {
            CompletableFuture<byte[]> stdout = readAsync(process.getInputStream());
            CompletableFuture<byte[]> stderr = readAsync(process.getErrorStream());
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw unavailable("did not answer within " + timeout, null);
            }
            String out = new String(stdout.join(), StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                String said = out.isEmpty() ? new String(stderr.join(), StandardCharsets.UTF_8).trim() : out;
                if (said.toLowerCase(Locale.ROOT).contains(NOT_FOUND)) {
                    return Optional.empty();
                }
                throw unavailable("exited with " + process.exitValue() + ": " + shorten(said), null);
            }
            return Optional.of(parse(out));
        } catch (IOException e) {
            throw unavailable("failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("was interrupted", e);
        } finally {
            process.destroyForcibly();
        }
    }

    private Credentials parse(String out) {
        JsonNode json;
        try {
            json = JSON.readTree(out);
        } catch (IOException e) {
            throw unavailable("answered with something that is not JSON", null);
        }
        String username = json == null ? null : json.path("Username").asText(null);
        String secret = json == null ? null : json.path("Secret").asText(null);
        if (username == null || username.isEmpty() || secret == null) {
            throw unavailable("answered without Username and Secret", null);
        }
        return new Credentials(username, secret);
    }

    private CredentialsUnavailableException unavailable(String what, Throwable cause) {
        return new CredentialsUnavailableException("docker credential helper '" + name + "' " + what, cause);
    }

    private static CompletableFuture<byte[]> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readNBytes(MAX_OUTPUT_BYTES);
            } catch (IOException e) {
                return new byte[0];
            }
        }, OUTPUT_READERS);
    }

    private static String shorten(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
