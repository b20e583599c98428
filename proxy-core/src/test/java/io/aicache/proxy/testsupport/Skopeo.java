package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code /usr/bin/skopeo} (1.9) isolated from the machine's container configuration, with a time limit.
 *
 * <p>Isolation: the environment is replaced by a private {@code HOME}, {@code XDG_RUNTIME_DIR} and
 * {@code TMPDIR} under the work directory, so no credentials, proxy variables or user configuration leak in.
 * An empty {@code $HOME/.config/containers/registries.conf} makes skopeo skip both
 * {@code /etc/containers/registries.conf} and {@code registries.conf.d} (it does not honour
 * {@code CONTAINERS_REGISTRIES_CONF}); {@code --insecure-policy} replaces {@code policy.json} and
 * {@code --registries.d} points at an empty directory. One thing remains shared: run as root, skopeo keeps its
 * blob-info cache in {@code /var/lib/containers/cache} and offers no option to move it. That cache only
 * steers which upload shortcuts a push tries (cross-repository mounts), never the content.
 */
public final class Skopeo {

    /** Generous for a busy 2-core CI machine; the few-hundred-KiB test images copy in about a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private static final Path EXECUTABLE = Path.of("/usr/bin/skopeo");
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);

    /** What a successful skopeo run printed. */
    public record Output(String stdout, String stderr) {
    }

    private final Path workDir;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final List<String> globalOptions;

    /** Uses {@code workDir} (created if missing) for skopeo's home, temporary files and pulled images. */
    public Skopeo(Path workDir) throws IOException {
        this(workDir, DEFAULT_TIMEOUT);
    }

    /** Like {@link #Skopeo(Path)}, failing any skopeo run that takes longer than {@code timeout}. */
    public Skopeo(Path workDir, Duration timeout) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        this.timeout = timeout;
        Path home = Files.createDirectories(workDir.resolve("home"));
        Path userConfig = Files.createDirectories(home.resolve(".config").resolve("containers"));
        Files.writeString(userConfig.resolve("registries.conf"), "");
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        this.environment = Map.of(
                "HOME", home.toString(),
                "XDG_RUNTIME_DIR", Files.createDirectories(workDir.resolve("run")).toString(),
                "TMPDIR", tmp.toString());
        this.globalOptions = List.of(
                "--insecure-policy",
                "--registries.d", Files.createDirectories(workDir.resolve("registries.d")).toString(),
                "--tmpdir", tmp.toString());
    }

    private Skopeo(Skopeo base, Map<String, String> environment) {
        this.workDir = base.workDir;
        this.timeout = base.timeout;
        this.environment = environment;
        this.globalOptions = base.globalOptions;
    }

    /** The same skopeo with {@code HTTPS_PROXY} set to {@code proxy}, as a client behind an HTTPS proxy has it. */
    public Skopeo viaProxy(URI proxy) {
        Map<String, String> withProxy = new HashMap<>(environment);
        withProxy.put("HTTPS_PROXY", proxy.toString());
        return new Skopeo(this, Map.copyOf(withProxy));
    }

    /**
     * Runs {@code skopeo copy [extraArgs] source destination}.
     *
     * @throws IOException if skopeo exits non-zero or runs out of time; the message holds its full output
     */
    public Output copy(String source, String destination, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(EXECUTABLE.toString());
        command.addAll(globalOptions);
        command.add("copy");
        command.addAll(List.of(extraArgs));
        command.add(source);
        command.add(destination);
        return run(command);
    }

    /**
     * Pushes {@code image} to {@code docker://<registryHostPort>/<repository>:<tag>} over plain HTTP, keeping
     * every digest ({@code --preserve-digests}) and every platform ({@code --all}), with {@code extraArgs}
     * ({@code --dest-creds user:password}).
     */
    public Output push(OciImageLayout image, String registryHostPort, String repository, String... extraArgs)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("--dest-tls-verify=false", "--preserve-digests", "--all"));
        args.addAll(List.of(extraArgs));
        return copy("oci:" + image.path() + ":" + image.tag(),
                "docker://" + registryHostPort + "/" + repository + ":" + image.tag(), args.toArray(String[]::new));
    }

    /**
     * Pulls {@code docker://<registryHostPort>/<repository>:<tag>} over plain HTTP into a fresh OCI layout
     * under the work directory, keeping every digest and every platform, with {@code extraArgs}
     * ({@code --src-creds user:password}), and reads it back.
     */
    public PulledOciLayout pull(String registryHostPort, String repository, String tag, String... extraArgs)
            throws IOException {
        Path layout = Files.createTempDirectory(workDir, "pulled-");
        List<String> args = new ArrayList<>(List.of("--src-tls-verify=false", "--preserve-digests", "--all"));
        args.addAll(List.of(extraArgs));
        copy("docker://" + registryHostPort + "/" + repository + ":" + tag, "oci:" + layout + ":" + tag,
                args.toArray(String[]::new));
        return PulledOciLayout.read(layout);
    }

    private Output run(List<String> command) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IOException(EXECUTABLE + " is missing; install it with scripts/install-test-deps");
        }
        Path stdout = Files.createTempFile(workDir, "skopeo-", ".stdout");
        Path stderr = Files.createTempFile(workDir, "skopeo-", ".stderr");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!waitFor(process, timeout)) {
                process.destroyForcibly();
                waitFor(process, KILL_TIMEOUT);
                throw failure("skopeo timed out after " + timeout, command, stdout, stderr);
            }
            if (process.exitValue() != 0) {
                throw failure("skopeo exited with " + process.exitValue(), command, stdout, stderr);
            }
            return new Output(Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static IOException failure(String what, List<String> command, Path stdout, Path stderr)
            throws IOException {
        return new IOException(what + ": " + String.join(" ", command)
                + "\n--- stdout ---\n" + Files.readString(stdout, StandardCharsets.UTF_8)
                + "--- stderr ---\n" + Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static boolean waitFor(Process process, Duration timeout) throws IOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for skopeo");
        }
    }
}
