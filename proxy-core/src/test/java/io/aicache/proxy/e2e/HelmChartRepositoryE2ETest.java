package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.marcnuri.helm.Helm;

import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.HelmCache;
import io.aicache.proxy.testsupport.NginxProcess;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Helm 3's own client code (helm-java) against aicache, with Debian's nginx serving a classic
 * chart repository the test packaged: add the repository through aicache, pull a chart twice
 * (the second from aicache), template a chart installed from aicache.
 */
@Tag("e2e")
class HelmChartRepositoryE2ETest {

    @TempDir
    Path tempDir;

    private NginxProcess nginx;
    private RunningAicache aicache;
    private Path repository;
    private Path packaged;
    /** Helm keeps downloaded indexes by repository name in its cache: a fresh name per run. */
    private final String repositoryName = "aicache-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() throws IOException {
        repository = Files.createDirectories(tempDir.resolve("repository"));
        Helm chart = Helm.create().withName("aicache-e2e-app").withDir(Files.createDirectories(tempDir.resolve("src"))).call();
        chart.packageIt().withDestination(repository).call();
        packaged = repository.resolve("aicache-e2e-app-0.1.0.tgz");
        writeIndex(TestBlobs.hexOf(TestBlobs.digestOf(Files.readAllBytes(packaged))));
        nginx = NginxProcess.serving(repository);
        aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                .set("helm.repositories", List.of(Map.of("name", "charts", "url", nginx.endpoint() + "/")))
                .start();
    }

    /** The repository's index.yaml, as {@code helm repo index} writes it, listing aicache-e2e-app with {@code digest}. */
    private void writeIndex(String digest) throws IOException {
        Files.writeString(repository.resolve("index.yaml"), """
                apiVersion: v1
                entries:
                  aicache-e2e-app:
                  - apiVersion: v2
                    appVersion: "1.16.0"
                    created: "2026-11-24T10:00:00Z"
                    description: A Helm chart for Kubernetes
                    digest: "%s"
                    name: aicache-e2e-app
                    type: application
                    urls:
                    - aicache-e2e-app-0.1.0.tgz
                    version: 0.1.0
                generated: "2026-11-24T10:00:00Z"
                """.formatted(digest));
    }

    @AfterEach
    void stop() throws IOException {
        // What Helm downloaded: the added repository's index into its cache, the templated chart too,
        // and dependency update's index of the repository URL (helm-java sets it no cache directory:
        // the working directory).
        Path helmCache = HelmCache.home().resolve("repository");
        Files.deleteIfExists(helmCache.resolve(repositoryName + "-index.yaml"));
        Files.deleteIfExists(helmCache.resolve(repositoryName + "-charts.txt"));
        Files.deleteIfExists(helmCache.resolve("aicache-e2e-app-0.1.0.tgz"));
        if (aicache != null) {
            String managerKey = "helm-manager-" + TestBlobs.hexOf(TestBlobs.digestOf(
                    repositoryUrl().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Files.deleteIfExists(Path.of(managerKey + "-index.yaml"));
            Files.deleteIfExists(Path.of(managerKey + "-charts.txt"));
        }
        if (aicache != null) {
            aicache.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    private String repositoryUrl() {
        return aicache.uri("/helm/charts").toString();
    }

    @Test
    void addsTheRepositoryPullsAChartTwiceAndTemplatesIt() throws IOException {
        Path repositoryConfig = tempDir.resolve("repositories.yaml");
        Helm.repo().add().withRepositoryConfig(repositoryConfig).withName(repositoryName)
                .withUrl(URI.create(repositoryUrl())).call();
        assertEquals(1, nginx.count("GET", "/index.yaml"));

        for (int pull = 1; pull <= 2; pull++) {
            Path parent = pullAsDependency("parent" + pull);
            assertArrayEquals(Files.readAllBytes(packaged), Files.readAllBytes(parent.resolve("charts/aicache-e2e-app-0.1.0.tgz")));
        }
        Eventually.until("nginx logged the chart GET", () -> count("/aicache-e2e-app-0.1.0.tgz") >= 1);
        assertEquals(1, count("/aicache-e2e-app-0.1.0.tgz"), "the second pull is served from aicache");
        assertEquals(1, aicache.metric("aicache_cache_answers_total", "route", "helm_chart", "tier", "disk"));

        String manifests = Helm.template(repositoryName + "/aicache-e2e-app").withRepositoryConfig(repositoryConfig)
                .withName("release").call();

        assertTrue(manifests.contains("kind: Deployment"), manifests);
        assertTrue(manifests.contains("name: release-aicache-e2e-app"), manifests);
        assertEquals(1, count("/aicache-e2e-app-0.1.0.tgz"), "templating the chart needed nothing more from upstream");
        assertEquals(2, aicache.metric("aicache_cache_answers_total", "route", "helm_chart", "tier", "disk"),
                "the chart Helm templated came from aicache");
    }

    @Test
    void helmFailsOnAChartThatDoesNotMatchItsDigestAndAicacheKeepsNothing() throws IOException {
        writeIndex("0".repeat(64));

        assertThrows(IllegalStateException.class, () -> pullAsDependency("parent"));

        assertFalse(Files.exists(aicache.blobFile(TestBlobs.digestOf(Files.readAllBytes(packaged)))));
        assertEquals(1, count("/aicache-e2e-app-0.1.0.tgz"));
    }

    /**
     * Helm 3 as bundled has no {@code pull}: a chart listed as a dependency of a new parent chart
     * and fetched with {@code dependency update} lands in the parent's {@code charts/}.
     */
    private Path pullAsDependency(String parentName) throws IOException {
        Path parents = Files.createDirectories(tempDir.resolve("parents"));
        Helm.create().withName(parentName).withDir(parents).call();
        Path parent = parents.resolve(parentName);
        Files.writeString(parent.resolve("Chart.yaml"), """
                apiVersion: v2
                name: %s
                version: 0.1.0
                dependencies:
                - name: aicache-e2e-app
                  version: 0.1.0
                  repository: "%s"
                """.formatted(parentName, repositoryUrl()));
        new Helm(parent).dependency().update().call();
        return parent;
    }

    private long count(String path) {
        try {
            return nginx.count("GET", path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
