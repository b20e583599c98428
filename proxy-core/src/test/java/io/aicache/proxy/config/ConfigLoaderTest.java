package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.rocksdb.DBOptions;

import io.aicache.storage.RocksDbOptionsSetter;
import io.aicache.upstream.StaticCredentials;
import io.aicache.upstream.UpstreamEndpoint;
import io.aicache.upstream.UpstreamRegistry;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("HUB_TOKEN", "t0ken")::get);

    @Test
    void embeddedDefaultsMirrorTheWellKnownRegistries() {
        AicacheConfig config = loader.defaults();
        assertEquals("0.0.0.0:5000", config.server().listen());
        assertEquals("docker.io", config.upstream().defaultRegistry());
        assertEquals(8, config.upstream().registries().size());
        assertEquals(1, config.upstream().hostPatterns().size(), "*-docker.pkg.dev");
        assertTrue(config.upstream().registries().get(0).libraryPrefix());
        assertEquals(8L << 20, config.storage().chunkSize().bytes());
        assertEquals(Duration.ofMinutes(5), config.manifests().tagTtl());
    }

    @Test
    void userFileOverridesOnlyWhatItNames() {
        AicacheConfig config = loader.fromYaml("""
                storage:
                  dataDir: /var/lib/aicache
                manifests:
                  tagTtl: 30s
                """, "test");
        assertEquals(Path.of("/var/lib/aicache"), config.storage().dataDir());
        assertEquals(Duration.ofSeconds(30), config.manifests().tagTtl());
        assertEquals(8L << 20, config.storage().chunkSize().bytes(), "unnamed keys keep their defaults");
    }

    @Test
    void tagTtlComesFromTheFirstMatchingPatternThenTheRegistryThenTheDefault() {
        AicacheConfig config = loader.fromYaml("""
                manifests:
                  tagTtl: 5m
                  tagTtls:
                    - pattern: latest
                      ttl: 10s
                upstream:
                  defaultRegistry: docker.io
                  registries:
                    - name: docker.io
                      endpoint: https://registry-1.docker.io
                      tagTtl: 1h
                    - name: ghcr.io
                      endpoint: https://ghcr.io
                """, "test");
        Duration hubTtl = config.upstream().registries().get(0).tagTtl();
        Duration ghcrTtl = config.upstream().registries().get(1).tagTtl();
        assertEquals(Duration.ofSeconds(10), config.manifests().ttlOf("latest", hubTtl));
        assertEquals(Duration.ofHours(1), config.manifests().ttlOf("1.0", hubTtl));
        assertEquals(Duration.ofMinutes(5), config.manifests().ttlOf("1.0", ghcrTtl));
    }

    @Test
    void aRegistryListsEndpointsAsUrlsOrWithNs() {
        AicacheConfig config = loader.fromYaml("""
                upstream:
                  defaultRegistry: docker.io
                  registries:
                    - name: docker.io
                      endpoints: ["http://parent-cache:5000", {url: "https://mirror.gcr.io"}, \
                                  {url: "http://other-cache:5000", ns: true}]
                    - name: ghcr.io
                      endpoint: https://ghcr.io
                """, "test");
        UpstreamRegistry hub = config.upstream().registries().get(0).toUpstream();
        assertEquals(List.of(UpstreamEndpoint.of(URI.create("http://parent-cache:5000")),
                UpstreamEndpoint.of(URI.create("https://mirror.gcr.io")),
                new UpstreamEndpoint(URI.create("http://other-cache:5000"), true)), hub.endpoints());
        assertEquals(List.of(UpstreamEndpoint.of(URI.create("https://ghcr.io"))),
                config.upstream().registries().get(1).toUpstream().endpoints(), "endpoint: is a list of one");
    }

    @Test
    void theParentIsEveryRegistrysFirstEndpointPatternsIncluded() {
        AicacheConfig config = loader.fromYaml("""
                upstream:
                  defaultRegistry: docker.io
                  parent: {url: "https://aicache.region:5000", caFile: /etc/aicache/region-ca.pem}
                  registries:
                    - name: docker.io
                      endpoint: https://registry-1.docker.io
                      caFile: /etc/aicache/hub-ca.pem
                    - name: "*.azurecr.io"
                    - name: corp.example
                      endpoints: [{url: "https://aicache.region:5000", ns: true}, "https://corp.example"]
                """, "test");
        UpstreamEndpoint parent = UpstreamEndpoint.parent(URI.create("https://aicache.region:5000"));
        List<UpstreamRegistry> named = config.upstream().namedRegistries();
        assertEquals(List.of(parent, UpstreamEndpoint.of(URI.create("https://registry-1.docker.io"))),
                named.get(0).endpoints());
        assertEquals(List.of(Path.of("/etc/aicache/hub-ca.pem"), Path.of("/etc/aicache/region-ca.pem")),
                named.get(0).caFiles(), "the registry's CA and the parent's are both trusted");
        assertEquals(List.of(new UpstreamEndpoint(URI.create("https://aicache.region:5000"), true),
                UpstreamEndpoint.of(URI.create("https://corp.example"))), named.get(1).endpoints(),
                "a registry that lists the parent keeps its own order and offers it credentials");
        UpstreamRegistry acr = config.upstream().hostPatterns().get(0).registryFor("corp.azurecr.io");
        assertEquals(List.of(parent, UpstreamEndpoint.of(URI.create("https://corp.azurecr.io"))), acr.endpoints());
        assertEquals(null, loader.defaults().upstream().parent(), "no parent unless one is configured");
        assertMessage("upstream:\n  parent: {url: \"ftp://x\"}\n", "upstream.parent", "ftp://x", "http:// or https://");
    }

    @Test
    void badEndpointsAreRefusedByKeyAndValue() {
        assertMessage("""
                upstream:
                  registries:
                    - name: a
                      endpoint: http://x
                      endpoints: [http://y]
                """, "upstream.registries[0]", "'a'", "either endpoint or endpoints, not both");
        assertMessage("""
                upstream:
                  registries:
                    - name: a
                      endpoints: [http://y, "ftp://z"]
                """, "upstream.registries[0].endpoints[1]", "ftp://z", "http:// or https://");
        assertMessage("""
                upstream:
                  registries:
                    - name: a
                      endpoints: [http://y, {url: "x y"}]
                """, "upstream.registries[0].endpoints[1]", "x y");
        assertMessage("""
                upstream:
                  registries:
                    - name: a
                      endpoints: [http://y, http://y]
                """, "upstream.registries[0]", "twice", "http://y");
    }

    @Test
    void aRateLimitReserveOutsideZeroToOneIsRefusedByKeyAndValue() {
        assertEquals(0.1, loader.defaults().upstream().rateLimit().reserve());
        assertEquals(0.0, loader.fromYaml("upstream:\n  rateLimit:\n    reserve: 0\n", "test").upstream().rateLimit().reserve());
        assertMessage("upstream:\n  rateLimit:\n    reserve: 1\n", "upstream.rateLimit", "reserve", "below 1", "1.0");
        assertMessage("upstream:\n  rateLimit:\n    reserve: -0.5\n", "upstream.rateLimit", "reserve", "at least 0",
                "-0.5");
        assertMessage("upstream:\n  rateLimit:\n    reserve: lots\n", "upstream.rateLimit.reserve", "lots");
    }

    @Test
    void readsSecretsFromTheEnvironment() {
        AicacheConfig config = loader.fromYaml("""
                upstream:
                  defaultRegistry: docker.io
                  registries:
                    - name: docker.io
                      endpoint: https://registry-1.docker.io
                      username: me
                      password: ${HUB_TOKEN}
                """, "test");
        assertEquals("t0ken", ((StaticCredentials) config.upstream().registries().get(0).toUpstream().credentials().orElseThrow())
                .credentials().password());
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatIsExpected() {
        assertMessage("storage:\n  chunkSize: 8XB\n", "storage.chunkSize", "8XB", "is not a size");
        assertMessage("manifests:\n  tagTtl: soon\n", "manifests.tagTtl", "soon", "is not a duration");
        assertMessage("server:\n  listen: nowhere\n", "server", "nowhere", "host:port");
        assertMessage("server:\n  lisen: x\n", "server.lisen", "unknown key", "listen");
        assertMessage("upstream:\n  registries:\n    - name: a\n      endpoint: ftp://x\n", "upstream.registries[0]",
                "ftp://x", "http:// or https://");
        assertMessage("upstream:\n  defaultRegistry: nope\n", "upstream", "nope", "is not one of the registries");
        assertMessage("upstream:\n  registries:\n    - name: a\n      endpoint: http://x\n      password: ${MISSING}\n",
                "upstream.registries[0].password", "MISSING", "not set");
        assertMessage("proxy:\n  tunnelIdleTimeout: 0s\n", "proxy", "tunnelIdleTimeout must be at least 1s");
        assertMessage("storage: [1, 2\n", "not valid YAML");
    }

    /** Named in a configuration below: what {@code storage.index.optionsSetter} loads. */
    public static final class FewerOpenFiles implements RocksDbOptionsSetter {
        @Override
        public void setDbOptions(DBOptions options) {
            options.setMaxOpenFiles(256);
        }
    }

    @Test
    void theIndexOptionsSetterIsLoadedByNameAndABadOneRefusedByKeyAndValue() {
        assertSame(RocksDbOptionsSetter.NONE, loader.defaults().storage().index().newOptionsSetter(), "none by default");
        String name = FewerOpenFiles.class.getName();
        StorageConfig.IndexConfig index = loader.fromYaml("storage:\n  index:\n    optionsSetter: " + name + "\n", "my.yaml")
                .storage().index();
        assertInstanceOf(FewerOpenFiles.class, index.newOptionsSetter());

        assertMessage("storage:\n  index:\n    optionsSetter: com.example.NoSuchSetter\n", "storage.index", "optionsSetter",
                "com.example.NoSuchSetter", "not a class on the class path");
        assertMessage("storage:\n  index:\n    optionsSetter: java.lang.String\n", "storage.index", "optionsSetter",
                "java.lang.String", "does not implement io.aicache.storage.RocksDbOptionsSetter");
    }

    @Test
    void missingFileIsNamed() {
        ConfigException error = assertThrows(ConfigException.class, () -> loader.load(Path.of("/nonexistent/aicache.yaml")));
        assertTrue(error.getMessage().contains("/nonexistent/aicache.yaml"), error.getMessage());
    }

    private void assertMessage(String yaml, String... fragments) {
        ConfigException error = assertThrows(ConfigException.class, () -> loader.fromYaml(yaml, "my.yaml"));
        assertTrue(error.getMessage().startsWith("my.yaml: "), error.getMessage());
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void aNameRuleThatIsNotRegistryAndRepositoryIsRefusedByKeyAndValue() {
        assertMessage("""
                upstream:
                  deny: ["alpine"]
                """, "upstream", "deny", "'alpine'", "registry/repository");
        assertMessage("""
                upstream:
                  allow: ["docker.io/library/alpine:"]
                """, "upstream", "allow", "empty tag pattern");
    }

    @Test
    void tlsWithoutCertificateNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.fromYaml("""
                server:
                  tls:
                    enabled: true
                    keyFile: /etc/aicache/key.pem
                """, "test"));
        assertTrue(e.getMessage().contains("server.tls"), e.getMessage());
        assertTrue(e.getMessage().contains("certFile"), e.getMessage());
    }
}
