package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A containerd daemon ({@code /usr/bin/containerd}, Debian package {@code containerd} 1.6) running as a child
 * process with a configuration, root, state and socket of its own under a work directory, and {@code ctr}
 * pointed at it. It shares nothing with a containerd the machine may run: not the socket, not the content
 * store, not {@code /opt/containerd}. Run as root (containerd needs it to unpack layers).
 *
 * <p>The CRI plugin is disabled (it wants CNI, and would run a streaming server), and so are the snapshotters
 * that need a particular file system (aufs, btrfs, zfs, devmapper). Layers are unpacked with the
 * {@code native} snapshotter: plain directory copies, mounted only for a moment (a bind mount) while a layer
 * is applied.
 */
public final class ContainerdProcess implements AutoCloseable {

    private static final Path CONTAINERD = Path.of("/usr/bin/containerd");
    private static final Path CTR = Path.of("/usr/bin/ctr");
    /** A healthy start takes a few tens of milliseconds; a busy 2-core CI machine gets plenty more. */
    /** How long a ctr command may take to finish after its work is done. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CTR_TIMEOUT = Duration.ofMinutes(3);
    /** The snapshotter {@code ctr} is told to unpack with. */
    public static final String SNAPSHOTTER = "native";

    /** What a successful ctr run printed. */
    public record Output(String stdout, String stderr) {
    }

    private final Path workDir;
    private final Path socket;
    private final Path logFile;
    private final Process process;

    private ContainerdProcess(Path workDir, Path socket, Path logFile, Process process) {
        this.workDir = workDir;
        this.socket = socket;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Writes the configuration under {@code workDir} (created if missing; keep it short, the socket path must
     * fit in 108 bytes), starts containerd and waits until {@code ctr version} reaches it.
     */
    public static ContainerdProcess start(Path workDir) throws IOException {
        for (Path executable : List.of(CONTAINERD, CTR)) {
            if (!Files.isExecutable(executable)) {
                throw new IOException(executable + " is missing; install it with scripts/install-test-deps");
            }
        }
        Files.createDirectories(workDir);
        Path socket = workDir.resolve("state").resolve("containerd.sock");
        Path config = Files.writeString(workDir.resolve("config.toml"), config(workDir, socket));
        Path logFile = workDir.resolve("containerd.log");
        Process process = new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        ContainerdProcess containerd = new ContainerdProcess(workDir, socket, logFile, process);
        try {
            containerd.awaitReady();
            return containerd;
        } catch (IOException | RuntimeException e) {
            ChildProcesses.stop(containerd.process);
            throw e;
        }
    }

    /** The configuration file's text: version 2, everything containerd writes under {@code workDir}. */
    static String config(Path workDir, Path socket) {
        return """
                version = 2
                root = "%s"
                state = "%s"
                disabled_plugins = [
                  "io.containerd.grpc.v1.cri",
                  "io.containerd.snapshotter.v1.aufs",
                  "io.containerd.snapshotter.v1.btrfs",
                  "io.containerd.snapshotter.v1.devmapper",
                  "io.containerd.snapshotter.v1.zfs"
                ]

                [grpc]
                  address = "%s"

                [plugins."io.containerd.internal.v1.opt"]
                  path = "%s"
                """.formatted(workDir.resolve("root"), workDir.resolve("state"), socket, workDir.resolve("opt"));
    }

    /** The daemon's gRPC socket, for {@code ctr --address}. */
    public Path socket() {
        return socket;
    }

    /** containerd's combined stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** The child process's id, for messages. */
    public long pid() {
        return process.pid();
    }

    /**
     * Runs {@code ctr --address <socket> args...} with an empty environment (no proxy variables, no
     * {@code CONTAINERD_*} settings).
     *
     * @throws IOException if ctr exits non-zero or runs out of time; the message holds its output and the tail
     *                     of containerd's log
     */
    public Output ctr(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(CTR.toString(), "--address", socket.toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(workDir, "ctr-", ".stdout");
        Path stderr = Files.createTempFile(workDir, "ctr-", ".stderr");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            Process ctr = builder.start();
            boolean exited = ChildProcesses.waitFor(ctr, CTR_TIMEOUT);
            if (!exited) {
                ctr.destroyForcibly();
                ChildProcesses.waitFor(ctr, STOP_TIMEOUT);
            }
            Output output = new Output(Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
            if (!exited || ctr.exitValue() != 0) {
                throw new IOException((exited ? "ctr exited with " + ctr.exitValue() : "ctr timed out after " + CTR_TIMEOUT)
                        + ": " + String.join(" ", command) + "\n--- stdout ---\n" + output.stdout()
                        + "--- stderr ---\n" + output.stderr() + "--- containerd log (tail) ---\n" + ChildProcesses.tail(logFile));
            }
            return output;
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /**
     * Stops containerd (SIGTERM to this child's PID, then SIGKILL if it lingers) and deletes the work
     * directory, unless something is still mounted under it: then the directory is left alone and the
     * mounts are named, because deleting through a mount would delete what it shows.
     */
    @Override
    public void close() throws IOException {
        ChildProcesses.stop(process);
        List<String> mounts = ChildProcesses.mountsUnder(workDir);
        if (!mounts.isEmpty()) {
            throw new IOException("containerd left mounts under " + workDir + ", not deleting it: " + mounts);
        }
        ChildProcesses.deleteTree(workDir);
    }

    private void awaitReady() throws IOException {
        ChildProcesses.awaitAnswer("containerd", process, socket, logFile, STARTUP_TIMEOUT, () -> ctr("version"));
    }
}
