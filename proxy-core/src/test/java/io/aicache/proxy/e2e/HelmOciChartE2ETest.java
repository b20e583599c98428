package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;

import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.HelmCache;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Charts in an OCI registry through aicache's OCI path: Helm 3 (helm-java) pushes a chart to
 * Debian's docker-registry and templates it from {@code oci://<aicache>/<registry>/...}; the
 * manifest, the chart config and the chart content come through with Helm's media types.
 */
@Tag("e2e")
class HelmOciChartE2ETest {

    private static final String REGISTRY = "registry.test";
    private static final String CHART = "aicache-oci-app";
    private static final String CONFIG_TYPE = "application/vnd.cncf.helm.config.v1+json";
    private static final String CONTENT_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private RunningAicache aicache;
    private final RegistryTestClient client = new RegistryTestClient();

    @BeforeEach
    void start() throws IOException {
        upstream = DockerRegistryProcess.start();
        aicache = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint()).start();
    }

    @AfterEach
    void stop() throws IOException {
        // Templating a chart by reference downloads it into Helm's cache.
        Files.deleteIfExists(HelmCache.home().resolve("repository").resolve(CHART + "-0.1.0.tgz"));
        if (aicache != null) {
            aicache.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void templatesAChartPulledThroughAicacheWithHelmsMediaTypes() throws IOException {
        Helm chart = Helm.create().withName(CHART).withDir(Files.createDirectories(tempDir.resolve("src"))).call();
        chart.packageIt().withDestination(tempDir).call();
        Path packaged = tempDir.resolve(CHART + "-0.1.0.tgz");
        Helm.push().withChart(packaged).withRemote(URI.create("oci://" + upstream.hostPort() + "/charts")).plainHttp().call();

        String reference = "oci://127.0.0.1:" + aicache.uri("/").getPort() + "/" + REGISTRY + "/charts/" + CHART;
        for (int pull = 1; pull <= 2; pull++) {
            String manifests = Helm.template(reference).withVersion("0.1.0").plainHttp().withName("oci").call();
            assertTrue(manifests.contains("name: oci-" + CHART), manifests);
        }
        assertEquals(2, upstream.countRequests("GET", "/v2/charts/" + CHART + "/blobs/sha256:[0-9a-f]{64}"),
                "the chart config and content are fetched from upstream once each");

        HttpResponse<byte[]> manifest = client.get(aicache.uri("/v2/" + REGISTRY + "/charts/" + CHART + "/manifests/0.1.0"),
                "Accept", TestBlobs.OCI_MANIFEST);
        assertEquals(200, manifest.statusCode());
        assertEquals(TestBlobs.OCI_MANIFEST, manifest.headers().firstValue("Content-Type").orElseThrow());
        JsonNode json = new ObjectMapper().readTree(manifest.body());
        assertEquals(CONFIG_TYPE, json.get("config").get("mediaType").asText());
        assertEquals(CONTENT_TYPE, json.get("layers").get(0).get("mediaType").asText());
        HttpResponse<byte[]> content = client.get(aicache.uri("/v2/" + REGISTRY + "/charts/" + CHART + "/blobs/"
                + json.get("layers").get(0).get("digest").asText()));
        assertArrayEquals(Files.readAllBytes(packaged), content.body(), "the chart content is the packaged chart");
        HttpResponse<byte[]> config = client.get(aicache.uri("/v2/" + REGISTRY + "/charts/" + CHART + "/blobs/"
                + json.get("config").get("digest").asText()));
        assertEquals(CHART, new ObjectMapper().readTree(config.body()).get("name").asText());
    }
}
