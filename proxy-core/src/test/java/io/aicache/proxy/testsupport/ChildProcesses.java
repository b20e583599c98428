package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the fixtures that run real programs (docker-registry, containerd) share: stopping them and reading their logs. */
final class ChildProcesses {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private ChildProcesses() {
    }

    /** Asks {@code process} (one the fixture started) to stop, and kills it when it does not within 15 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A loopback port free right now, for a program that binds it itself; another process may take
     * it first, so callers retry when the program reports the address in use.
     */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The last lines of a log, for an error message. */
    static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Mount points at or below {@code dir}, deepest first, from {@code /proc/self/mountinfo} (field 5). */
    static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            // The kernel escapes spaces in paths as \040, so splitting on spaces is safe.
            if (fields.length > 4 && (fields[4].equals(prefix) || fields[4].startsWith(prefix + "/"))) {
                mounts.add(fields[4]);
            }
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        return mounts;
    }

    /** A request to a daemon that throws until it answers ({@code ctr version}, {@code docker version}). */
    interface Probe {
        void ask() throws IOException;
    }

    /**
     * Waits until {@code daemon} (named {@code name} in messages) has made {@code socket} and {@code probe}
     * succeeds; fails when it exits first or {@code timeout} passes, with the tail of its log.
     */
    static void awaitAnswer(String name, Process daemon, Path socket, Path logFile, Duration timeout, Probe probe)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IOException(name + " exited with code " + daemon.exitValue()
                        + " while starting; last log lines:\n" + tail(logFile));
            }
            if (Files.exists(socket)) {
                try {
                    probe.ask();
                    return;
                } catch (IOException e) {
                    lastFailure = e;
                }
            }
            waitFor(daemon, POLL_INTERVAL);
        }
        throw new IOException(name + " did not answer on " + socket + " within " + timeout
                + (lastFailure == null ? "" : "; last failure: " + lastFailure.getMessage())
                + "; last log lines:\n" + tail(logFile));
    }

    /** Waits up to {@code timeout} for {@code process} to exit; whether it did. */
    static boolean waitFor(Process process, Duration timeout) throws IOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + process.info().command().orElse("a process"));
        }
    }

    /** Deletes {@code dir} and everything below it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
