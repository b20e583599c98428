package io.aicache.proxy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigException;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.config.UpstreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aicache config check FILE}: says whether a configuration file is valid, and what it sets. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with configuration files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file (merged over the embedded default).")
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The configuration file to check.")
        private Path file;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                AicacheConfig config = ConfigLoader.withSystemEnvironment().load(file);
                out.println(file + ": valid");
                out.println("  listen:   " + config.server().listen());
                out.println("  data dir: " + config.storage().dataDir().toAbsolutePath());
                for (UpstreamConfig.Registry registry : config.upstream().registries()) {
                    out.println("  upstream: " + registry.name() + " -> "
                            + (registry.isPattern() && registry.endpoints() == null ? "https://<host>"
                                    : registry.endpointsFor(registry.name()).stream().map(Object::toString)
                                            .collect(Collectors.joining(", ")))
                            + (registry.name().equals(config.upstream().defaultRegistry()) ? " (default)" : ""));
                }
                if (config.upstream().parent() != null) {
                    out.println("  parent:   " + config.upstream().parent().url() + " (every registry's first endpoint)");
                }
                if (config.access().restricts()) {
                    out.println("  access:   " + config.access().rules().size() + " rules, "
                            + config.access().anonymous().size() + " anonymous patterns, users from "
                            + (config.access().htpasswd() == null ? "no htpasswd file" : config.access().htpasswd()));
                }
                out.flush();
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("aicache: " + e.getMessage());
                return 2;
            }
        }
    }
}
