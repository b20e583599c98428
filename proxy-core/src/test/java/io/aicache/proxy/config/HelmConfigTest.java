package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HelmConfigTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("CHARTS_TOKEN", "s3cret")::get);

    @Test
    void defaultsMirrorNoRepositoryAndPrefetchNothing() {
        HelmConfig helm = loader.defaults().helm();

        assertTrue(helm.repositories().isEmpty());
        assertFalse(helm.prefetchImages());
        assertEquals(Duration.ofMinutes(5), helm.indexTtl());
    }

    @Test
    void readsRepositoriesWithCredentialsFromTheEnvironment() {
        HelmConfig helm = loader.fromYaml("""
                helm:
                  repositories:
                    - name: internal
                      url: "https://charts.corp.example/stable"
                      username: ci
                      password: ${CHARTS_TOKEN}
                  prefetchImages: true
                  prefetchPlatforms: [linux/arm64/v8]
                """, "test").helm();

        HelmConfig.Repository repository = helm.repositories().get(0);
        assertEquals(URI.create("https://charts.corp.example/stable/"), repository.toChartRepository().url());
        assertEquals("s3cret", repository.password());
        assertFalse(repository.toString().contains("s3cret"), repository.toString());
        assertEquals(List.of("linux/arm64/v8"), helm.prefetchPlatforms());
    }

    @Test
    void namesTheKeyOfAWrongValue() {
        for (String[] wrong : List.of(
                new String[] {"helm:\n  prefetchPlatforms: [linux]\n", "'linux' is not os/architecture"},
                new String[] {"helm:\n  repositories:\n    - {name: a, url: \"http://h/\"}\n    - {name: a, url: \"http://i/\"}\n",
                        "configured twice"},
                new String[] {"helm:\n  repositories:\n    - {name: \"a/b\", url: \"http://h/\"}\n", "letters, digits"},
                new String[] {"helm:\n  repositories:\n    - {name: a, url: \"ftp://h/\"}\n", "http:// or https://"},
                new String[] {"helm:\n  repositories:\n    - {name: a, url: \"http://h/\", username: u}\n",
                        "both username and password"},
                new String[] {"helm:\n  indexTl: 5m\n", "unknown key"})) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.fromYaml(wrong[0], "test"), wrong[0]);
            assertTrue(e.getMessage().contains("helm"), e.getMessage());
            assertTrue(e.getMessage().contains(wrong[1]), e.getMessage());
        }
    }
}
