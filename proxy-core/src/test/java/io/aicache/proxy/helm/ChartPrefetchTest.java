package io.aicache.proxy.helm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ChartArchive;
import io.aicache.proxy.testsupport.ChartRepositoryServer;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.SeededImage;
import io.aicache.proxy.testsupport.TestBlobs;

/** A chart pulled through aicache gets the images its values and templates name prefetched, for the configured platforms. */
class ChartPrefetchTest {

    private final FaultyUpstream registry = FaultyUpstream.start();
    private final ChartRepositoryServer charts = ChartRepositoryServer.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        charts.close();
        registry.close();
    }

    private void publishChart(byte[] archive) {
        charts.put("/web-0.1.0.tgz", archive);
        charts.put("/index.yaml", ("apiVersion: v1\nentries:\n  web:\n  - name: web\n    version: 0.1.0\n"
                + "    digest: \"" + TestBlobs.hexOf(TestBlobs.digestOf(archive)) + "\"\n    urls: [web-0.1.0.tgz]\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] chartNaming(String valuesImage, String templateImage) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"1.0\"\n");
        files.put("web/values.yaml", valuesImage);
        files.put("web/templates/deployment.yaml", "spec:\n  containers:\n    - image: " + templateImage + "\n");
        return ChartArchive.of(files);
    }

    private RunningAicache start(boolean prefetchImages) {
        return RunningAicache.builder().upstream("registry.test", registry.endpoint())
                .set("helm.repositories", List.of(Map.of("name", "stable", "url", charts.endpoint().toString())))
                .set("helm.prefetchImages", prefetchImages)
                .set("helm.prefetchPlatforms", List.of("linux/amd64"))
                .start();
    }

    @Test
    void prefetchesTheImagesOfAPulledChartForTheConfiguredPlatforms() {
        SeededImage app = SeededImage.seed(registry, "org/app", "1.0", List.of("linux/amd64", "linux/arm64"), 2, 50_000, 0);
        byte[] chart = chartNaming("image:\n  registry: registry.test\n  repository: org/app\n  tag: \"\"\n",
                "registry.test/org/missing:2.0");
        publishChart(chart);
        aicache = start(true);

        assertArrayEquals(chart, client.get(aicache.uri("/helm/stable/charts/web-0.1.0.tgz")).body());

        Eventually.until("the chart's images were prefetched",
                () -> aicache.metric("aicache_helm_prefetched_images_total") >= 2);
        assertEquals(1, aicache.metric("aicache_helm_prefetched_images_total", "outcome", "warmed"),
                "registry.test/org/app:1.0, its tag the chart's appVersion");
        assertEquals(1, aicache.metric("aicache_helm_prefetched_images_total", "outcome", "failed"),
                "registry.test/org/missing:2.0 does not exist");
        app.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.isRegularFile(aicache.blobFile(digest)), digest));
        app.blobs("linux/arm64").keySet().stream().filter(digest -> !app.blobs("linux/amd64").containsKey(digest))
                .forEach(digest -> assertEquals(0, registry.blobRequests("GET", "org/app", digest), digest));

        client.get(aicache.uri("/helm/stable/charts/web-0.1.0.tgz"));
        assertEquals(2, aicache.metric("aicache_helm_prefetched_images_total"), "a kept chart is not read again");
    }

    @Test
    void prefetchesTheImagesOfAChartPulledFromAnOciRegistry() {
        SeededImage app = SeededImage.seed(registry, "org/app", "3.0", List.of("linux/amd64"), 2, 20_000, 0);
        byte[] chart = chartNaming("image: registry.test/org/app:3.0\n", "{{ .Values.image }}");
        String config = registry.addBlob("charts/web", "{\"name\":\"web\",\"version\":\"0.1.0\"}"
                .getBytes(StandardCharsets.UTF_8));
        String content = registry.addBlob("charts/web", chart);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestBlobs.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + OciChartPrefetch.CHART_CONFIG + "\",\"digest\":\"" + config
                + "\",\"size\":37},\"layers\":[{\"mediaType\":\"" + OciChartPrefetch.CHART_CONTENT + "\",\"digest\":\""
                + content + "\",\"size\":" + chart.length + "}]}").getBytes(StandardCharsets.UTF_8);
        registry.addManifest("charts/web", "0.1.0", TestBlobs.OCI_MANIFEST, manifest);
        aicache = start(true);

        assertEquals(200, client.get(aicache.uri("/v2/registry.test/charts/web/manifests/0.1.0"),
                "Accept", TestBlobs.OCI_MANIFEST).statusCode());

        Eventually.until("the OCI chart's image was prefetched",
                () -> aicache.metric("aicache_helm_prefetched_images_total", "outcome", "warmed") >= 1);
        app.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.isRegularFile(aicache.blobFile(digest)), digest));
        assertArrayEquals(chart, client.get(aicache.uri("/v2/registry.test/charts/web/blobs/" + content)).body());
        assertEquals(1, registry.blobRequests("GET", "charts/web", content), "Helm's pull of the chart finds it kept");
    }

    @Test
    void prefetchesNothingUnlessTurnedOn() {
        SeededImage app = SeededImage.seed(registry, "org/app", "1.0", List.of("linux/amd64"), 1, 1000, 0);
        publishChart(chartNaming("image: registry.test/org/app:1.0\n", "registry.test/org/app:1.0"));
        aicache = start(false);

        assertEquals(200, client.get(aicache.uri("/helm/stable/charts/web-0.1.0.tgz")).statusCode());

        assertEquals(0, aicache.metric("aicache_helm_prefetched_images_total"));
        app.blobs("linux/amd64").keySet().forEach(digest -> assertEquals(0, registry.blobRequests("GET", "org/app", digest)));
    }
}
