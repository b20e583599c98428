package io.aicache.proxy.helm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.aicache.proxy.testsupport.ChartRepositoryServer;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.proxy.testsupport.TestPki;

/** The chart repository over aicache's TLS listener: the index and kept charts over HTTP/1.1 and HTTP/2. */
class ChartRepositoryOverTlsTest {

    private static final byte[] CHART = TestBlobs.random(300_000, 9);

    @TempDir
    Path tempDir;

    private final ChartRepositoryServer upstream = ChartRepositoryServer.start();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        upstream.close();
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void servesTheIndexAndKeptChartsOverTls(HttpClient.Version version) throws Exception {
        upstream.put("/web-1.0.0.tgz", CHART);
        upstream.put("/index.yaml", ("apiVersion: v1\nentries:\n  web:\n  - name: web\n    version: 1.0.0\n    digest: \""
                + TestBlobs.hexOf(TestBlobs.digestOf(CHART)) + "\"\n    urls: [web-1.0.0.tgz]\n").getBytes(StandardCharsets.UTF_8));
        TestPki pki = TestPki.create(tempDir.resolve("pki"), "charts.aicache.test", "127.0.0.1");
        aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                .set("server.tls.enabled", true)
                .set("server.tls.certFile", pki.certFile().toString())
                .set("server.tls.keyFile", pki.keyFile().toString())
                .set("helm.repositories", List.of(Map.of("name", "stable", "url", upstream.endpoint().toString())))
                .start();
        HttpClient client = HttpClient.newBuilder().version(version).sslContext(pki.clientContext())
                .connectTimeout(Duration.ofSeconds(30)).build();

        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> index = get(client, "/helm/stable/index.yaml");
            assertEquals(200, index.statusCode());
            assertEquals(version, index.version());
            assertTrue(new String(index.body(), StandardCharsets.UTF_8).contains("charts/web-1.0.0.tgz"));
            HttpResponse<byte[]> chart = get(client, "/helm/stable/charts/web-1.0.0.tgz");
            assertEquals(200, chart.statusCode());
            assertArrayEquals(CHART, chart.body());
        }
        assertEquals(1, upstream.gets("/web-1.0.0.tgz"), "the second answer came from aicache's disk");
    }

    private HttpResponse<byte[]> get(HttpClient client, String path) throws Exception {
        URI uri = URI.create("https://127.0.0.1:" + aicache.uri("/").getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
