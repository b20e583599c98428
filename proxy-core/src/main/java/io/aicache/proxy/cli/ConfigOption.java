package io.aicache.proxy.cli;

import java.nio.file.Path;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigLoader;
import picocli.CommandLine.Option;

/** {@code --config FILE}, else {@code $AICACHE_CONFIG}, else the embedded default. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file, merged over the embedded default (also: $" + ConfigLoader.CONFIG_ENV + ").")
    Path file;

    AicacheConfig load() {
        ConfigLoader loader = ConfigLoader.withSystemEnvironment();
        Path chosen = file;
        if (chosen == null && System.getenv(ConfigLoader.CONFIG_ENV) != null) {
            chosen = Path.of(System.getenv(ConfigLoader.CONFIG_ENV));
        }
        return chosen == null ? loader.defaults() : loader.load(chosen);
    }
}
