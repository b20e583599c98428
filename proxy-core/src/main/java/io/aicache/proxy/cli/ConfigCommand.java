package io.aicache.proxy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigException;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.config.UpstreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aicache config check FILE}: says whether a configuration file is valid, and what it sets. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with configuration files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file (merged over the embedded default).")
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The configuration file to check.")
        private Path file;

        @Override
        public Integer call() {
            try {
                AicacheConfig config = ConfigLoader.withSystemEnvironment().load(file);
                System.out.println(file + ": valid");
                System.out.println("  listen:   " + config.server().listen());
                System.out.println("  data dir: " + config.storage().dataDir().toAbsolutePath());
                for (UpstreamConfig.Registry registry : config.upstream().registries()) {
                    System.out.println("  upstream: " + registry.name() + " -> "
                            + (registry.isPattern() && registry.endpoints() == null ? "https://<host>"
                                    : registry.toUpstream().endpoints().stream().map(Object::toString)
                                            .collect(Collectors.joining(", ")))
                            + (registry.name().equals(config.upstream().defaultRegistry()) ? " (default)" : ""));
                }
                return 0;
            } catch (ConfigException e) {
                System.err.println("aicache: " + e.getMessage());
                return 2;
            }
        }
    }
}
