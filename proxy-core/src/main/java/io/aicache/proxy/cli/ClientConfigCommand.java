package io.aicache.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code aicache client-config}: writes or prints the configuration that makes a container client pull
 * through aicache. One subcommand per client: {@code containerd} ({@code hosts.toml} files), {@code docker}
 * ({@code daemon.json}), {@code podman} ({@code registries.conf}, also read by CRI-O, buildah and skopeo) and
 * {@code buildkit} ({@code buildkitd.toml}, for docker buildx and buildkitd).
 */
@Command(name = "client-config", mixinStandardHelpOptions = true,
        description = "Configure container clients (containerd, Docker, podman/CRI-O/buildah, BuildKit) to pull through aicache.",
        subcommands = {ContainerdClientConfig.class, DockerClientConfig.class, PodmanClientConfig.class,
                BuildkitClientConfig.class})
final class ClientConfigCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
