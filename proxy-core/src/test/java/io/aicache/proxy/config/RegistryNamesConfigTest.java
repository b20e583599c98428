package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Registry host patterns and cache rules in configuration: bound, and refused by key and value when wrong. */
class RegistryNamesConfigTest {

    private final ConfigLoader loader = new ConfigLoader(name -> null);

    private AicacheConfig load(String upstream) {
        return loader.fromYaml("upstream:\n" + upstream.indent(2), "test.yaml");
    }

    @Test
    void aPatternStandsForEveryHostItMatchesWithItsOwnEndpointAndSettings() {
        UpstreamConfig upstream = load("""
                defaultRegistry: docker.io
                registries:
                  - name: docker.io
                    endpoint: "https://registry-1.docker.io"
                  - name: "*.azurecr.io"
                    tagTtl: 1h
                """).upstream();
        assertEquals(1, upstream.namedRegistries().size());
        assertEquals(URI.create("https://docker.io"), load("""
                defaultRegistry: docker.io
                registries:
                  - name: docker.io
                """).upstream().namedRegistries().get(0).endpoints().get(0).url(), "a named registry without endpoint");
        assertTrue(upstream.hostPatterns().get(0).matches("myacr.azurecr.io"));
        assertEquals(URI.create("https://myacr.azurecr.io"),
                upstream.hostPatterns().get(0).registryFor("myacr.azurecr.io").endpoints().get(0).url(), "https://<host> when unset");
        assertEquals(Duration.ofHours(1), upstream.tagTtls().apply("myacr.azurecr.io"));
        assertNull(upstream.tagTtls().apply("docker.io"));
        assertEquals(Optional.empty(), upstream.hostPatterns().get(0).registryFor("myacr.azurecr.io").credentials());
    }

    @Test
    void aBadPatternIsRefusedByKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                registries:
                  - name: "*.Example.com/x"
                """));
        assertTrue(e.getMessage().contains("upstream.registries[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("'*.Example.com/x' is not a host pattern"), e.getMessage());
    }

    @Test
    void theDefaultRegistryCannotBeAPattern() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                defaultRegistry: "*.azurecr.io"
                registries:
                  - name: "*.azurecr.io"
                """));
        assertTrue(e.getMessage().contains("defaultRegistry '*.azurecr.io' is not one of the registries []"), e.getMessage());
    }

    @Test
    void aCacheRuleMapsWhatItsWildcardsMatched() {
        CacheRule rule = load("""
                cacheRules:
                  - from: "team/**"
                    to: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/**"
                """).upstream().cacheRules().get(0);
        assertEquals(Optional.of("123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/a/b"), rule.rewrite("team/a/b"));
        assertEquals(Optional.empty(), rule.rewrite("other/a"));
        assertEquals(Optional.of("ghcr.io/x-mirror/app"), new CacheRule("docker.io/*/app", "ghcr.io/*-mirror/app")
                .rewrite("docker.io/x/app"));
    }

    @Test
    void aCacheRuleWhoseWildcardsDoNotPairIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                cacheRules:
                  - from: "team/*/*"
                    to: "ghcr.io/mirror/*"
                """));
        assertTrue(e.getMessage().contains("upstream.cacheRules[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("as many wildcards as from (2)"), e.getMessage());
        assertThrows(ConfigException.class, () -> load("cacheRules: [{from: \"team/*\"}]"));
    }
}
