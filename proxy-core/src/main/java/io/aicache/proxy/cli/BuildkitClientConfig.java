package io.aicache.proxy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.aicache.proxy.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aicache client-config buildkit}: prints {@code buildkitd.toml} entries with aicache as the mirror of
 * each upstream registry, for BuildKit's own daemon ({@code docker buildx create --config}, a {@code buildkitd}
 * in CI). BuildKit resolves through containerd's resolver, which sends a mirror {@code ?ns=<registry>}: one
 * aicache serves every registry, as for containerd. The mirror itself gets an entry of its own saying how to
 * reach it ({@code http = true}, or the CA of an {@code https://} mirror).
 */
@Command(name = "buildkit", mixinStandardHelpOptions = true,
        description = {"Print buildkitd.toml entries that make BuildKit (docker buildx, buildkitd) pull through aicache.",
                "Save them as buildkitd.toml: docker buildx create --use --config buildkitd.toml, or buildkitd --config."})
final class BuildkitClientConfig implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--mirror", required = true, paramLabel = "URL", converter = MirrorUrl.Converter.class,
            description = "How BuildKit reaches aicache, e.g. http://aicache.internal:5000.")
    private MirrorUrl mirror;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "CA certificate that signed an https:// mirror's certificate (written as ca = [\"FILE\"]).")
    private Path ca;

    @Mixin
    private RegistrySelection registries;

    @Override
    public Integer call() {
        mirror.checkCa(ca, spec);
        List<String> names;
        try {
            names = registries.select();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("aicache: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(buildkitdToml(names, mirror, ca == null ? null : ca.toAbsolutePath().normalize()));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println("BuildKit reads these when its builder starts: docker buildx create --use --config buildkitd.toml"
                + " (a new builder), or buildkitd --config buildkitd.toml; an existing builder keeps its old settings.");
        err.println("docker build with Docker's built-in builder uses dockerd's registry-mirrors instead"
                + " (aicache client-config docker).");
        err.flush();
        return 0;
    }

    /** One {@code [registry."<name>"]} per registry naming aicache as its mirror, then aicache's own entry. */
    static String buildkitdToml(List<String> registries, MirrorUrl mirror, Path ca) {
        StringBuilder toml = new StringBuilder("# buildkitd.toml entries written by aicache client-config: pull through aicache,\n"
                + "# falling back to each registry itself.\n");
        String quotedMirror = ContainerdClientConfig.quote(mirror.hostPort());
        for (String registry : registries) {
            toml.append("\n[registry.").append(ContainerdClientConfig.quote(registry)).append("]\n")
                    .append("  mirrors = [").append(quotedMirror).append("]\n");
        }
        if (mirror.plainHttp()) {
            toml.append("\n[registry.").append(quotedMirror).append("]\n  http = true\n");
        } else if (ca != null) {
            toml.append("\n[registry.").append(quotedMirror).append("]\n  ca = [")
                    .append(ContainerdClientConfig.quote(ca.toString())).append("]\n");
        }
        return toml.toString();
    }
}
