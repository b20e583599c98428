package io.aicache.proxy.helm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.proxy.testsupport.ChartRepositoryServer;
import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** Classic chart repositories through aicache, against an in-process upstream that can fail on request. */
class ChartRepositoryTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final byte[] WEB = TestBlobs.random(40_000, 1);
    private static final byte[] DB = TestBlobs.random(30_000, 2);

    private final ChartRepositoryServer upstream = ChartRepositoryServer.start();
    private final List<RunningAicache> started = new ArrayList<>();
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        started.forEach(RunningAicache::close);
        upstream.close();
    }

    /** The upstream repository at /stable/: web by a relative URL, db by an absolute one under /archive/. */
    private void publish(byte[] web, String webDigest) {
        upstream.put("/stable/web-1.0.0.tgz", web);
        upstream.put("/stable/web-1.0.0.tgz.prov", "signed web".getBytes(StandardCharsets.US_ASCII));
        upstream.put("/archive/db-2.0.0.tgz", DB);
        upstream.put("/stable/index.yaml", """
                apiVersion: v1
                entries:
                  web:
                  - name: web
                    version: 1.0.0
                    digest: %s
                    urls: [web-1.0.0.tgz]
                  db:
                  - name: db
                    version: 2.0.0
                    urls: ["%s/archive/db-2.0.0.tgz"]
                generated: "2026-11-24T10:00:00Z"
                """.formatted(webDigest, upstream.endpoint()).getBytes(StandardCharsets.UTF_8));
    }

    private RunningAicache aicache(String... settings) {
        Map<String, Object> repository = new LinkedHashMap<>();
        repository.put("name", "stable");
        repository.put("url", upstream.endpoint() + "/stable");
        for (int i = 0; i + 1 < settings.length; i += 2) {
            repository.put(settings[i], settings[i + 1]);
        }
        RunningAicache.Builder builder = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                .set("helm.repositories", List.of(repository));
        RunningAicache aicache = builder.start();
        started.add(aicache);
        return aicache;
    }

    private RunningAicache aicacheWithIndexTtlZero() {
        RunningAicache aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                .set("helm.repositories", List.of(Map.of("name", "stable", "url", upstream.endpoint() + "/stable")))
                .set("helm.indexTtl", "0s")
                .start();
        started.add(aicache);
        return aicache;
    }

    private static String sha256Hex(byte[] bytes) {
        return TestBlobs.hexOf(TestBlobs.digestOf(bytes));
    }

    private static JsonNode yaml(byte[] body) throws IOException {
        return YAML.readTree(body);
    }

    @Test
    void servesTheIndexWithEveryChartUrlPointingAtAicache() throws IOException {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicache();

        HttpResponse<byte[]> response = client.get(aicache.uri("/helm/stable/index.yaml"));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("ETag").isPresent());
        JsonNode entries = yaml(response.body()).get("entries");
        assertEquals("charts/web-1.0.0.tgz", entries.get("web").get(0).get("urls").get(0).asText());
        assertEquals("charts/db-2.0.0.tgz", entries.get("db").get(0).get("urls").get(0).asText());
        assertEquals(sha256Hex(WEB), entries.get("web").get(0).get("digest").asText());
        assertEquals(1, upstream.gets("/stable/index.yaml"));

        HttpResponse<byte[]> again = client.get(aicache.uri("/helm/stable/index.yaml"));
        assertArrayEquals(response.body(), again.body());
        assertEquals(1, upstream.gets("/stable/index.yaml"), "within its TTL the index is served from aicache");
        assertEquals(304, client.get(aicache.uri("/helm/stable/index.yaml"),
                "If-None-Match", response.headers().firstValue("ETag").orElseThrow()).statusCode());
        HttpResponse<byte[]> head = client.head(aicache.uri("/helm/stable/index.yaml"));
        assertEquals(String.valueOf(response.body().length), head.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void sendsTheKeptGzipCopyToClientsThatAcceptGzip() throws IOException {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicache();
        byte[] identity = client.get(aicache.uri("/helm/stable/index.yaml")).body();

        HttpResponse<byte[]> gzipped = client.get(aicache.uri("/helm/stable/index.yaml"), "Accept-Encoding", "br, gzip");

        assertEquals(200, gzipped.statusCode());
        assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("accept-encoding", gzipped.headers().firstValue("Vary").orElseThrow().toLowerCase(java.util.Locale.ROOT));
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(gzipped.body()))) {
            assertArrayEquals(identity, in.readAllBytes());
        }
        String etag = gzipped.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, client.get(aicache.uri("/helm/stable/index.yaml"), "Accept-Encoding", "gzip",
                "If-None-Match", etag).statusCode());
        HttpResponse<byte[]> refused = client.get(aicache.uri("/helm/stable/index.yaml"), "Accept-Encoding", "gzip;q=0");
        assertTrue(refused.headers().firstValue("Content-Encoding").isEmpty());
        assertArrayEquals(identity, refused.body());
    }

    @Test
    void fetchesEachChartOnceByRelativeOrAbsoluteUrlAndKeepsIt() throws InterruptedException {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicache();

        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> web = client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz"));
            assertEquals(200, web.statusCode());
            assertArrayEquals(WEB, web.body());
            assertArrayEquals(DB, client.get(aicache.uri("/helm/stable/charts/db-2.0.0.tgz")).body());
        }

        assertEquals(1, upstream.gets("/stable/web-1.0.0.tgz"));
        assertEquals(1, upstream.gets("/archive/db-2.0.0.tgz"));
        assertTrue(Files.exists(aicache.blobFile(TestBlobs.digestOf(WEB))), "kept by digest");
        aicache.restart();
        assertArrayEquals(WEB, client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz")).body());
        assertArrayEquals(DB, client.get(aicache.uri("/helm/stable/charts/db-2.0.0.tgz")).body());
        assertEquals(1, upstream.gets("/stable/web-1.0.0.tgz"), "kept across a restart");
        assertEquals(1, upstream.gets("/archive/db-2.0.0.tgz"), "a chart without a digest is kept by the one it had");
    }

    @Test
    void passesProvenanceFilesAlong() {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicache();

        HttpResponse<byte[]> provenance = client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz.prov"));

        assertEquals(200, provenance.statusCode());
        assertEquals("signed web", new String(provenance.body(), StandardCharsets.US_ASCII));
        assertEquals(404, client.get(aicache.uri("/helm/stable/charts/db-2.0.0.tgz.prov")).statusCode());
    }

    @Test
    void revalidatesTheIndexWithItsEtagOnceTheTtlPassed() throws IOException {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicacheWithIndexTtlZero();

        byte[] first = client.get(aicache.uri("/helm/stable/index.yaml")).body();
        byte[] second = client.get(aicache.uri("/helm/stable/index.yaml")).body();

        assertArrayEquals(first, second);
        List<ChartRepositoryServer.Request> indexRequests = upstream.requests().stream()
                .filter(r -> r.path().equals("/stable/index.yaml")).toList();
        assertEquals(2, indexRequests.size());
        assertEquals(null, indexRequests.get(0).ifNoneMatch());
        assertEquals("\"" + sha256Hex(upstreamIndex()) + "\"", indexRequests.get(1).ifNoneMatch());

        upstream.put("/stable/index.yaml", "apiVersion: v1\nentries: {}\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(yaml(client.get(aicache.uri("/helm/stable/index.yaml")).body()).get("entries").isEmpty(),
                "a changed index replaces the kept one");
    }

    private byte[] upstreamIndex() {
        return client.get(URI.create(upstream.endpoint() + "/stable/index.yaml")).body();
    }

    @Test
    void servesTheKeptIndexStaleWithAWarningWhileUpstreamFails() {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicacheWithIndexTtlZero();
        byte[] fresh = client.get(aicache.uri("/helm/stable/index.yaml")).body();

        upstream.failing(true);
        HttpResponse<byte[]> stale = client.get(aicache.uri("/helm/stable/index.yaml"));

        assertEquals(200, stale.statusCode());
        assertArrayEquals(fresh, stale.body());
        assertTrue(stale.headers().firstValue("Warning").orElse("").startsWith("110 aicache"), stale.headers().toString());
        assertTrue(aicache.metric("aicache_stale_answers_total", "registry", "stable") >= 1);
    }

    @Test
    void refusesAChartWhoseDigestDiffersFromTheIndexAndKeepsNothing() {
        publish(WEB, sha256Hex(DB));
        RunningAicache aicache = aicache();

        HttpResponse<byte[]> response = client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz"));

        assertEquals(502, response.statusCode());
        assertTrue(ErrorBody.of(response).message().contains("digest"), ErrorBody.of(response).message());
        assertFalse(Files.exists(aicache.blobFile(TestBlobs.digestOf(WEB))));
        assertFalse(Files.exists(aicache.blobFile(TestBlobs.digestOf(DB))));
        assertEquals(502, client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz")).statusCode());
        assertEquals(2, upstream.gets("/stable/web-1.0.0.tgz"), "a refused chart is asked for again, never served");
    }

    @Test
    void refusesAChartLargerThanTheLimitAndKeepsNothing() {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                .set("helm.repositories", List.of(Map.of("name", "stable", "url", upstream.endpoint() + "/stable")))
                .set("helm.maxChartBytes", "16KiB")
                .start();
        started.add(aicache);

        HttpResponse<byte[]> response = client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz"));

        assertEquals(502, response.statusCode());
        assertTrue(ErrorBody.of(response).message().contains("helm.maxChartBytes"), ErrorBody.of(response).message());
        assertFalse(Files.exists(aicache.blobFile(TestBlobs.digestOf(WEB))));
    }

    @Test
    void answersBadRequestsWithJsonErrors() {
        publish(WEB, sha256Hex(WEB));
        RunningAicache aicache = aicache();

        HttpResponse<byte[]> unknownRepository = client.get(aicache.uri("/helm/nope/index.yaml"));
        assertEquals(404, unknownRepository.statusCode());
        assertEquals("NAME_UNKNOWN", ErrorBody.of(unknownRepository).code());
        for (String path : List.of("/helm/stable/charts/..%2F..%2Fetc%2Fpasswd", "/helm/stable/charts/../index.yaml",
                "/helm/stable/charts/", "/helm/stable/charts/a%5Cb.tgz")) {
            HttpResponse<byte[]> traversal = client.get(aicache.uri(path));
            assertEquals(400, traversal.statusCode(), path);
            assertEquals("NAME_INVALID", ErrorBody.of(traversal).code());
        }
        HttpResponse<byte[]> notListed = client.get(aicache.uri("/helm/stable/charts/other-1.0.0.tgz"));
        assertEquals(404, notListed.statusCode());
        assertEquals("BLOB_UNKNOWN", ErrorBody.of(notListed).code());
        assertEquals(405, client.send("PUT", aicache.uri("/helm/stable/charts/web-1.0.0.tgz")).statusCode());
        assertEquals(0, upstream.gets("/etc/passwd"));
    }

    @Test
    void sendsBasicCredentialsToTheRepositoryOnly() {
        publish(WEB, sha256Hex(WEB));
        String basic = "Basic " + Base64.getEncoder().encodeToString("reader:s3cret".getBytes(StandardCharsets.UTF_8));
        upstream.requireAuthorization(basic);
        RunningAicache aicache = aicache("username", "reader", "password", "s3cret");

        assertEquals(200, client.get(aicache.uri("/helm/stable/index.yaml")).statusCode());
        assertArrayEquals(WEB, client.get(aicache.uri("/helm/stable/charts/web-1.0.0.tgz")).body());
        assertTrue(upstream.requests().stream().allMatch(r -> basic.equals(r.authorization())));
    }

    @Test
    void answersUnavailableWhenUpstreamFailsAndNothingIsKept() {
        publish(WEB, sha256Hex(WEB));
        upstream.failing(true);
        RunningAicache aicache = aicache();

        HttpResponse<byte[]> response = client.get(aicache.uri("/helm/stable/index.yaml"));

        assertEquals(503, response.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
    }
}
