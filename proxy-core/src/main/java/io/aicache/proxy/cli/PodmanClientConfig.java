package io.aicache.proxy.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.aicache.proxy.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aicache client-config podman}: prints {@code registries.conf} entries (containers-registries.conf(5),
 * read by podman, CRI-O, buildah and skopeo) with aicache as the first mirror of each upstream registry.
 * These clients send no {@code ns}, so the mirror location names the registry as its first path component
 * ({@code aicache:5000/ghcr.io}), which aicache routes. containers/image cannot parse a mirror location whose
 * path holds a port ({@code aicache:5000/registry.corp:5000}: "invalid reference format", and every pull of
 * that registry fails), so registries with a port are left out, with a comment and a warning.
 */
@Command(name = "podman", mixinStandardHelpOptions = true,
        description = {"Print registries.conf entries that make podman, CRI-O, buildah and skopeo pull through aicache.",
                "Add them to /etc/containers/registries.conf or a file in /etc/containers/registries.conf.d/."})
final class PodmanClientConfig implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--mirror", required = true, paramLabel = "URL", converter = MirrorUrl.Converter.class,
            description = "How the clients reach aicache, e.g. http://aicache.internal:5000.")
    private MirrorUrl mirror;

    @Mixin
    private RegistrySelection registries;

    @Override
    public Integer call() {
        List<String> names;
        try {
            names = registries.select();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("aicache: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("# registries.conf entries written by aicache client-config, for podman, CRI-O, buildah and skopeo");
        out.println("# (/etc/containers/registries.conf or /etc/containers/registries.conf.d/aicache.conf; CRI-O reads");
        out.println("# them again on SIGHUP: systemctl reload crio). Each registry is tried through aicache first, then directly.");
        for (String name : names) {
            out.println();
            if (name.contains(":")) {
                out.println("# " + name + ": left out; a mirror path cannot hold a registry with a port (invalid reference format)");
                spec.commandLine().getErr().println("warning: " + name + " is left out: podman and CRI-O cannot reach a"
                        + " registry with a port through a mirror path; use containerd's hosts.toml for it");
                continue;
            }
            out.print(entry(name, mirror));
        }
        out.flush();
        return 0;
    }

    /** One {@code [[registry]]} with aicache as its {@code [[registry.mirror]]}. */
    static String entry(String registry, MirrorUrl mirror) {
        String quotedRegistry = ContainerdClientConfig.quote(registry);
        return "[[registry]]\n"
                + "prefix = " + quotedRegistry + "\n"
                + "location = " + quotedRegistry + "\n"
                + "\n"
                + "[[registry.mirror]]\n"
                + "location = " + ContainerdClientConfig.quote(mirror.hostPort() + "/" + registry) + "\n"
                + (mirror.plainHttp() ? "insecure = true\n" : "");
    }
}
