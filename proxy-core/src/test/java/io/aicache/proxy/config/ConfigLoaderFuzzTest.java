package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** A configuration file is the user's: any bytes give a configuration, or a ConfigException that says why. */
class ConfigLoaderFuzzTest {

    private static final ConfigLoader LOADER = new ConfigLoader(Map.of("HUB_TOKEN", "t0ken")::get);

    @FuzzTest
    void fromYaml(byte[] input) {
        try {
            assertNotNull(LOADER.fromYaml(new String(input, StandardCharsets.UTF_8), "fuzz.yaml").server());
        } catch (ConfigException refused) {
            assertNotNull(refused.getMessage());
        }
    }
}
