package io.aicache.proxy.cli;

import java.util.LinkedHashSet;
import java.util.List;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigException;
import io.aicache.proxy.config.UpstreamConfig;
import io.aicache.upstream.RegistryHostPattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The upstream registries a client is configured for: every registry of the aicache configuration
 * ({@code --config}, else {@code $AICACHE_CONFIG}, else the embedded default), or the ones {@code --registries}
 * names, each of which must be configured (aicache answers an unknown {@code ns} with NAME_UNKNOWN).
 */
final class RegistrySelection {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Mixin
    private ConfigOption config;

    @Option(names = "--registries", split = ",", paramLabel = "NAME",
            description = "Only these upstream registries (comma-separated); default: every configured one.")
    private List<String> names;

    /** The configuration the names come from; loaded once. */
    private AicacheConfig loaded;

    /**
     * @throws ConfigException    if the configuration file cannot be read or is invalid
     * @throws ParameterException if {@code --registries} names a registry that is not configured
     */
    List<String> select() {
        UpstreamConfig upstream = configuration().upstream();
        List<String> configured = upstream.registries().stream().filter(registry -> !registry.isPattern())
                .map(UpstreamConfig.Registry::name).toList();
        if (names == null || names.isEmpty()) {
            return configured;
        }
        for (String name : names) {
            if (!configured.contains(name) && upstream.hostPatterns().stream().noneMatch(pattern -> pattern.matches(name))) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--registries': '" + name
                        + "' is not an upstream registry of the aicache configuration; configured: " + configured
                        + " and hosts matching " + upstream.hostPatterns().stream().map(RegistryHostPattern::pattern).toList());
            }
        }
        return List.copyOf(new LinkedHashSet<>(names));
    }

    /** The loaded aicache configuration. */
    AicacheConfig configuration() {
        if (loaded == null) {
            loaded = config.load();
        }
        return loaded;
    }
}
