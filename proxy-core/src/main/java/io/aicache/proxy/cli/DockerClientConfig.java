package io.aicache.proxy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.aicache.proxy.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aicache client-config docker}: prints the {@code daemon.json} fragment that makes dockerd use aicache
 * as its registry mirror. The JSON goes to standard output, the notes to standard error, so the output can be
 * redirected into a file as it is.
 */
@Command(name = "docker", mixinStandardHelpOptions = true,
        description = {"Print the /etc/docker/daemon.json fragment that makes Docker pull Docker Hub images through aicache.",
                "Docker sends only Docker Hub (docker.io) pulls to a mirror; other registries are pulled directly."})
final class DockerClientConfig implements Callable<Integer> {

    private static final String DOCKER_HUB = "docker.io";

    @Spec
    private CommandSpec spec;

    @Option(names = "--mirror", required = true, paramLabel = "URL", converter = MirrorUrl.Converter.class,
            description = "How dockerd reaches aicache, e.g. http://aicache.internal:5000.")
    private MirrorUrl mirror;

    @Mixin
    private ConfigOption config;

    @Override
    public Integer call() {
        String defaultRegistry;
        try {
            defaultRegistry = config.load().upstream().defaultRegistry();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("aicache: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("{");
        out.println("  \"registry-mirrors\": [\"" + mirror.url() + "\"]");
        out.println("}");
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println("Merge this into /etc/docker/daemon.json and restart dockerd. It applies to Docker Hub only:"
                + " Docker pulls every other registry directly.");
        err.println("dockerd's command line takes the same as --registry-mirror=" + mirror.url()
                + " (Docker-in-Docker: the docker:dind service's command).");
        err.println("Docker names no registry in what it sends a mirror; aicache sends those requests to"
                + " upstream.defaultRegistry (" + defaultRegistry + ").");
        if (!DOCKER_HUB.equals(defaultRegistry)) {
            err.println("warning: upstream.defaultRegistry is " + defaultRegistry + ", not " + DOCKER_HUB
                    + ": Docker Hub pulls through this mirror would be served from " + defaultRegistry + ".");
        }
        err.flush();
        return 0;
    }
}
