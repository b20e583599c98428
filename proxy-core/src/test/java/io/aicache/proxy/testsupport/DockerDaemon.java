package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Docker daemon ({@code /usr/sbin/dockerd} 20.10, Debian package {@code docker.io}) running as a child
 * process, and the {@code docker} CLI pointed at it. Run as root. Everything it writes is under a work
 * directory: its {@code --data-root}, {@code --exec-root}, {@code --pidfile}, socket, trust key and the
 * containerd it starts for itself (whose socket, root and state dockerd puts under its own exec-root and
 * data-root, so it never meets another test's containerd or the machine's). It stores layers with
 * {@code vfs} (plain directories, no mounts), touches no iptables rules and makes no bridge.
 *
 * <p>One thing dockerd reads only from a fixed place: registry CAs, from
 * {@code /etc/docker/certs.d/<host>/} (it moves only for rootless dockerd). {@link #trustRegistryCa} writes
 * there for a host name of the test's own and {@link #close()} removes it.
 */
public final class DockerDaemon implements AutoCloseable {

    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    private static final Path DOCKER = Path.of("/usr/bin/docker");
    private static final Path CERTS_D = Path.of("/etc/docker/certs.d");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A healthy start takes about a second; a busy 2-core CI machine gets plenty more. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(5);
    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    /** What a successful docker run printed. */
    public record Output(String stdout, String stderr) {
    }

    private final Path workDir;
    private final Path socket;
    private final Path logFile;
    private final Process process;
    private final List<Path> trustedCaDirs = new ArrayList<>();
    /** Whether {@code /etc/docker/certs.d} is this daemon's doing, to be removed when nothing else is in it. */
    private boolean createdCertsD;

    private DockerDaemon(Path workDir, Path socket, Path logFile, Process process) {
        this.workDir = workDir;
        this.socket = socket;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Starts dockerd under {@code workDir} (created if missing; keep it short, containerd's socket goes under
     * it and must fit in 108 bytes) with a {@code daemon.json} made of {@code clientConfig} (a JSON object,
     * such as {@code aicache client-config docker} prints) and the isolation settings, {@code flags} on its
     * command line and {@code environment} ({@code HTTPS_PROXY}) beside {@code PATH}; waits until it answers.
     */
    public static DockerDaemon start(Path workDir, String clientConfig, List<String> flags,
                                     Map<String, String> environment) throws IOException {
        for (Path executable : List.of(DOCKERD, DOCKER)) {
            if (!Files.isExecutable(executable)) {
                throw new IOException(executable + " is missing; install it with scripts/install-test-deps");
            }
        }
        Files.createDirectories(workDir);
        Path socket = workDir.resolve("docker.sock");
        Path config = Files.writeString(workDir.resolve("daemon.json"), daemonJson(workDir, clientConfig));
        List<String> command = new ArrayList<>(List.of(DOCKERD.toString(),
                "--config-file", config.toString(),
                "--data-root", workDir.resolve("data").toString(),
                "--exec-root", workDir.resolve("exec").toString(),
                "--pidfile", workDir.resolve("docker.pid").toString(),
                "--host", "unix://" + socket));
        command.addAll(flags);
        Path logFile = workDir.resolve("dockerd.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        builder.environment().putAll(environment);
        DockerDaemon daemon = new DockerDaemon(workDir, socket, logFile, builder.start());
        try {
            daemon.awaitReady();
            return daemon;
        } catch (IOException | RuntimeException e) {
            try {
                daemon.close();
            } catch (IOException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    /** {@code clientConfig} with the settings that keep this daemon to itself: they win over the fragment's. */
    static String daemonJson(Path workDir, String clientConfig) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(clientConfig);
        json.put("storage-driver", "vfs")
                .put("iptables", false)
                .put("ip6tables", false)
                .put("bridge", "none")
                // dockerd 20.10 would otherwise write /etc/docker/key.json.
                .put("deprecated-key-path", workDir.resolve("key.json").toString());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }

    /**
     * Makes dockerd trust {@code caFile} for {@code host} (a name of the test's own, so no other test or
     * daemon shares the directory): {@code /etc/docker/certs.d/<host>/ca.crt}, removed by {@link #close()}.
     * dockerd reads the directory on each pull, so no restart is needed.
     */
    public void trustRegistryCa(String host, Path caFile) throws IOException {
        Path dir = CERTS_D.resolve(host);
        if (!Files.isDirectory(CERTS_D)) {
            Files.createDirectories(CERTS_D);
            createdCertsD = true;
        }
        if (Files.exists(dir)) {
            throw new IOException(dir + " exists already; it is not this test's to overwrite");
        }
        Files.createDirectories(dir);
        trustedCaDirs.add(dir);
        Files.copy(caFile, dir.resolve("ca.crt"));
    }

    /**
     * Runs {@code docker args...} against this daemon, with an environment of its own ({@code DOCKER_HOST},
     * a {@code DOCKER_CONFIG} under the work directory, no proxy variables).
     *
     * @throws IOException if docker exits non-zero or runs out of time; the message holds its output and the
     *                     tail of dockerd's log
     */
    public Output docker(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
        command.addAll(List.of(args));
        Path cli = Files.createDirectories(workDir.resolve("cli"));
        Path stdout = Files.createTempFile(cli, "docker-", ".stdout");
        Path stderr = Files.createTempFile(cli, "docker-", ".stderr");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().putAll(Map.of("PATH", PATH, "HOME", cli.toString(), "DOCKER_CONFIG", cli.toString(),
                    "DOCKER_HOST", "unix://" + socket));
            Process docker = builder.start();
            boolean exited = ChildProcesses.waitFor(docker, CLI_TIMEOUT);
            if (!exited) {
                docker.destroyForcibly();
                ChildProcesses.waitFor(docker, STOP_TIMEOUT);
            }
            Output output = new Output(Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
            if (!exited || docker.exitValue() != 0) {
                throw new IOException((exited ? "docker exited with " + docker.exitValue() : "docker timed out after " + CLI_TIMEOUT)
                        + ": " + String.join(" ", command) + "\n--- stdout ---\n" + output.stdout()
                        + "--- stderr ---\n" + output.stderr() + "--- dockerd log (tail) ---\n" + ChildProcesses.tail(logFile));
            }
            return output;
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The repository digests ({@code name@sha256:...}) dockerd records for a pulled image. */
    public List<String> repoDigests(String image) throws IOException {
        return docker("image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", image)
                .stdout().lines().filter(line -> !line.isBlank()).toList();
    }

    /** dockerd's log, for messages. */
    public String logTail() {
        return ChildProcesses.tail(logFile);
    }

    /**
     * Stops dockerd (SIGTERM to this child's PID, then SIGKILL if it lingers) and the containerd it started
     * when that outlives it, removes the CA directories it was given, unmounts what is left mounted under the
     * work directory (dockerd bind-mounts its data-root onto itself, and a killed one leaves it), and deletes
     * the work directory, unless a mount could not be undone: deleting through it would delete what it shows.
     */
    @Override
    public void close() throws IOException {
        List<ProcessHandle> children = process.descendants().toList();
        ChildProcesses.stop(process);
        for (ProcessHandle child : children) {
            child.destroyForcibly();
            child.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).exceptionally(timeout -> child).join();
        }
        for (Path dir : trustedCaDirs) {
            Files.deleteIfExists(dir.resolve("ca.crt"));
            Files.deleteIfExists(dir);
        }
        if (createdCertsD) {
            try {
                Files.deleteIfExists(CERTS_D);
            } catch (DirectoryNotEmptyException anotherTestsCa) {
                // Someone else's directory is in it now; it stays for them.
            }
        }
        for (String mount : ChildProcesses.mountsUnder(workDir)) {
            unmount(mount);
        }
        List<String> left = ChildProcesses.mountsUnder(workDir);
        if (!left.isEmpty()) {
            throw new IOException("dockerd left mounts under " + workDir + " that umount could not undo, not deleting it: " + left);
        }
        ChildProcesses.deleteTree(workDir);
    }

    private static void unmount(String mount) throws IOException {
        Process umount = new ProcessBuilder("umount", mount).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!ChildProcesses.waitFor(umount, STOP_TIMEOUT)) {
            umount.destroyForcibly();
        }
    }

    private void awaitReady() throws IOException {
        ChildProcesses.awaitAnswer("dockerd", process, socket, logFile, STARTUP_TIMEOUT, () -> docker("version"));
    }
}
