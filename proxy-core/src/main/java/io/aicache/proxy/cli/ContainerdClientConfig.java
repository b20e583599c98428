package io.aicache.proxy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

import io.aicache.proxy.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aicache client-config containerd}: one {@code <dir>/<registry>/hosts.toml} per upstream registry,
 * naming aicache as the host to pull and resolve from, with the registry itself as {@code server} (the
 * fallback). containerd appends {@code ?ns=<registry>} for the mirror, which is how aicache picks the upstream.
 * A registry with a port gets a {@code host:port} directory, which every containerd since 1.5 looks up.
 */
@Command(name = "containerd", mixinStandardHelpOptions = true,
        description = {"Write containerd hosts.toml files (one directory per upstream registry) that pull through aicache.",
                "Point the CRI plugin's registry config_path (or ctr --hosts-dir) at DIR; containerd reads the files "
                        + "on every pull, no restart needed."})
final class ContainerdClientConfig implements Callable<Integer> {

    /** Where containerd's CRI plugin looks when {@code config_path} is set the usual way. */
    static final String DEFAULT_DIR = "/etc/containerd/certs.d";
    private static final String DOCKER_HUB = "docker.io";

    @Spec
    private CommandSpec spec;

    @Option(names = "--mirror", required = true, paramLabel = "URL", converter = MirrorUrl.Converter.class,
            description = "How containerd reaches aicache, e.g. http://aicache.internal:5000.")
    private MirrorUrl mirror;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
            description = "The hosts directory (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "CA certificate that signed an https:// mirror's certificate (written as ca = \"FILE\").")
    private Path ca;

    @Option(names = "--dry-run", description = "Print the files instead of writing them.")
    private boolean dryRun;

    @Mixin
    private RegistrySelection registries;

    @Override
    public Integer call() {
        mirror.checkCa(ca, spec);
        PrintWriter out = spec.commandLine().getOut();
        List<String> names;
        try {
            names = registries.select();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("aicache: " + e.getMessage());
            return 2;
        }
        for (String name : names) {
            if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
                spec.commandLine().getErr().println("aicache: registry name '" + name + "' cannot be a directory name");
                return 2;
            }
        }
        Path caFile = ca == null ? null : ca.toAbsolutePath().normalize();
        for (String name : names) {
            Path file = dir.resolve(name).resolve("hosts.toml");
            String text = hostsToml(name, mirror, caFile);
            if (dryRun) {
                out.println("# " + file);
                out.println(text);
                continue;
            }
            try {
                write(file, text);
            } catch (IOException e) {
                spec.commandLine().getErr().println("aicache: cannot write " + file + ": " + e);
                return 1;
            }
            out.println("wrote " + file + " (" + name + " via " + mirror.url() + ")");
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println("containerd reads " + dir + " when its CRI plugin has config_path = \"" + dir + "\" in the registry"
                + " section of /etc/containerd/config.toml ([plugins.\"io.containerd.grpc.v1.cri\".registry] in 1.x,"
                + " [plugins.\"io.containerd.cri.v1.images\".registry] in 2.x); ctr needs --hosts-dir " + dir + ".");
        err.flush();
        return 0;
    }

    /** The {@code hosts.toml} for {@code registry}; {@code ca} may be null. */
    static String hostsToml(String registry, MirrorUrl mirror, Path ca) {
        String server = DOCKER_HUB.equals(registry) ? "https://registry-1.docker.io" : "https://" + registry;
        StringBuilder toml = new StringBuilder()
                .append("# Written by aicache client-config: pull ").append(registry)
                .append(" through aicache, falling back to the registry itself.\n")
                .append("server = ").append(quote(server)).append("\n\n")
                .append("[host.").append(quote(mirror.url())).append("]\n")
                .append("  capabilities = [\"pull\", \"resolve\"]\n");
        if (ca != null) {
            toml.append("  ca = ").append(quote(ca.toString())).append('\n');
        }
        return toml.toString();
    }

    /** A TOML basic string. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Replaces the file in one step, so a pull running meanwhile reads the old file or the new one. */
    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(".hosts.toml.aicache-tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
