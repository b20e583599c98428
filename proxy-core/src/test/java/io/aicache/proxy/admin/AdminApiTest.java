package io.aicache.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.SeededImage;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * The admin API: guarded by its token, lists and purges what is kept, pins, prefetches and reloads, and
 * tells the fills under way, the registries' health and the last hour's figures.
 */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    private HttpResponse<byte[]> call(String method, String path, String body, String token) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return token == null ? client.send(method, aicache.uri(path), bytes)
                : client.send(method, aicache.uri(path), bytes, "Authorization", "Bearer " + token);
    }

    private JsonNode ok(String method, String path, String body) throws IOException {
        HttpResponse<byte[]> response = call(method, path, body, aicache.adminToken());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void refusesRequestsWithoutTheToken() throws IOException {
        HttpResponse<byte[]> none = call("GET", "/admin/stats", null, null);
        HttpResponse<byte[]> wrong = call("GET", "/admin/stats", null, "not-the-token");

        assertEquals(401, none.statusCode());
        assertEquals("UNAUTHORIZED", ErrorBody.of(none).code());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, wrong.statusCode());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(aicache.dataDir().resolve("admin-token"))));
    }

    @Test
    void listsKeptImagesAndBlobsAndForgetsAndRemovesThem() throws IOException {
        SeededImage image = SeededImage.seed(upstream, REPO, "1.0", List.of("linux/amd64"), 2, 5000, 0);
        ok("POST", "/admin/prefetch", "{\"images\":[\"registry.test/org/app:1.0\"]}");

        JsonNode images = ok("GET", "/admin/images", null);
        assertEquals(1, images.size());
        assertEquals("registry.test/org/app:1.0", images.get(0).path("image").asText());
        assertEquals(image.digest(), images.get(0).path("digest").asText());
        assertEquals(4, images.get(0).path("blobsKept").asInt());
        JsonNode blobs = ok("GET", "/admin/blobs?limit=2", null);
        assertEquals(2, blobs.size());

        String layer = image.blobs("linux/amd64").keySet().stream().skip(1).findFirst().orElseThrow();
        ok("DELETE", "/admin/blobs/" + layer, null);
        assertFalse(Files.exists(aicache.blobFile(layer)));
        assertEquals(404, call("DELETE", "/admin/blobs/" + layer, null, aicache.adminToken()).statusCode());
        assertEquals(400, call("DELETE", "/admin/blobs/sha256:nothex", null, aicache.adminToken()).statusCode());

        ok("DELETE", "/admin/images?image=" + query("registry.test/org/app:1.0"), null);
        assertEquals(0, ok("GET", "/admin/images", null).size());
        int before = upstream.manifestRequests("GET", REPO, "1.0");
        client.get(aicache.uri("/v2/org/app/manifests/1.0"));
        assertEquals(before + 1, upstream.manifestRequests("GET", REPO, "1.0"), "a forgotten tag is asked of upstream again");
    }

    @Test
    void pinsSurviveARestartAndConfiguredPinsCannotBeUnpinnedAtRunTime() throws Exception {
        aicache.editConfig("storage.pinned", List.of("registry.test/org/base:1"));
        JsonNode reloaded = ok("POST", "/admin/reload", null);
        assertEquals("storage.pinned", reloaded.path("applied").get(0).asText());

        JsonNode pinned = ok("POST", "/admin/pins", "{\"image\":\"registry.test/org/app:2.0\"}");
        assertEquals("now", pinned.path("pinned").asText());
        assertFalse(pinned.path("kept").asBoolean());
        aicache.restart();

        List<String> pins = new ArrayList<>();
        ok("GET", "/admin/pins", null).forEach(pin -> pins.add(pin.path("image").asText()));
        assertTrue(pins.contains("registry.test/org/app:2.0"), pins.toString());
        assertEquals(409, call("DELETE", "/admin/pins?image=" + query("registry.test/org/base:1"), null,
                aicache.adminToken()).statusCode(), "the restart re-read the pin from the configuration");
        ok("DELETE", "/admin/pins?image=" + query("registry.test/org/app:2.0"), null);
        assertEquals(404, call("DELETE", "/admin/pins?image=" + query("registry.test/org/app:2.0"), null,
                aicache.adminToken()).statusCode());
        assertEquals(400, call("POST", "/admin/pins", "{\"image\":\"Not A Name\"}", aicache.adminToken()).statusCode());
    }

    @Test
    void reloadNamesWhatWaitsForARestartAndRefusesABadFile() throws IOException {
        aicache.editConfig("fill.parallelism", 3);
        JsonNode outcome = ok("POST", "/admin/reload", null);
        assertEquals("fill", outcome.path("restartNeeded").get(0).asText());

        aicache.editConfig("fill.parallelism", -1);
        HttpResponse<byte[]> refused = call("POST", "/admin/reload", null, aicache.adminToken());
        assertEquals(400, refused.statusCode());
        assertTrue(ErrorBody.of(refused).message().contains("parallelism"), ErrorBody.of(refused).message());
    }

    @Test
    void prefetchStreamsProgressAsJsonLines() throws IOException {
        SeededImage.seed(upstream, REPO, "3.0", List.of("linux/amd64"), 3, 3_000_000, 0);

        HttpResponse<byte[]> response = call("POST", "/admin/prefetch",
                "{\"images\":[\"registry.test/org/app:3.0\",\"registry.test/org/app:missing\"]}", aicache.adminToken());

        assertEquals(200, response.statusCode());
        assertEquals("application/x-ndjson", response.headers().firstValue("Content-Type").orElse(""));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(response.body(), StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        List<String> kinds = lines.stream().map(line -> line.path("event").asText()).distinct().toList();
        assertTrue(kinds.containsAll(List.of("resolved", "blob", "report", "error", "done")), kinds.toString());
        JsonNode done = lines.get(lines.size() - 1);
        assertEquals("done", done.path("event").asText());
        assertEquals(1, done.path("failed").asInt());
        assertEquals(400, call("POST", "/admin/prefetch", "{\"images\":[]}", aicache.adminToken()).statusCode());
        assertEquals(400, call("POST", "/admin/prefetch", "[1]", aicache.adminToken()).statusCode());
        assertEquals(404, call("GET", "/admin/nothing", null, aicache.adminToken()).statusCode());
    }

    @Test
    void listsFillsUnderWayWithTheirProgress() throws Exception {
        byte[] blob = TestBlobs.random(2 << 20, 11);
        String digest = upstream.addBlob(REPO, blob);
        Fault.Gate gate = Fault.holdAfter(64 * 1024);
        upstream.inject(digest, gate);
        assertEquals(0, ok("GET", "/admin/fills", null).size());

        CompletableFuture<HttpResponse<byte[]>> pull = client.getAsync(aicache.uri("/v2/" + REPO + "/blobs/" + digest));
        assertTrue(gate.awaitHeld(1, RegistryTestClient.TIMEOUT), "upstream holds the blob after its first bytes");
        JsonNode[] fill = new JsonNode[1];
        Eventually.until("the fill shows bytes landed", () -> {
            try {
                JsonNode fills = ok("GET", "/admin/fills", null);
                fill[0] = fills.size() == 1 ? fills.get(0) : null;
                return fill[0] != null && fill[0].path("landed").asLong() > 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertEquals(digest, fill[0].path("digest").asText());
        assertEquals("registry.test", fill[0].path("registry").asText());
        assertEquals(REPO, fill[0].path("repository").asText());
        assertEquals("FILLING", fill[0].path("state").asText());
        assertEquals(blob.length, fill[0].path("size").asLong());
        assertTrue(fill[0].path("landed").asLong() < blob.length, fill[0].toString());
        assertEquals(1, fill[0].path("rangesInFlight").asInt(), "one chunk of the default 8 MiB: " + fill[0]);
        assertEquals(1, fill[0].path("chunks").asInt());
        assertEquals(0, fill[0].path("chunksDone").asInt());
        assertEquals(1, fill[0].path("readers").asInt(), "the pull follows it");
        assertTrue(fill[0].path("startedAtMillis").asLong() > 0);

        gate.open();
        assertArrayEquals(blob, pull.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).body());
        assertEquals(0, ok("GET", "/admin/fills", null).size(), "a fill that is done is no longer listed");
    }

    @Test
    void reportsEachRegistrysHealthAndPullBudget() throws IOException {
        JsonNode before = ok("GET", "/admin/upstreams", null).get(0);
        assertEquals("registry.test", before.path("registry").asText());
        assertEquals(List.of(upstream.endpoint().toString()), List.of(before.path("endpoints").get(0).asText()));
        assertEquals("unchecked", before.path("state").asText());
        assertEquals("anonymous", before.path("credentials").asText());
        assertTrue(before.path("limit").isNull(), "no limit announced yet");

        upstream.sendWithEveryAnswer(Map.of("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "7;w=21600"));
        upstream.addManifest(REPO, "1.0", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "budget"));
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/manifests/1.0"), "Accept", TestBlobs.OCI_MANIFEST).statusCode());

        JsonNode after = ok("GET", "/admin/upstreams", null).get(0);
        assertEquals("up", after.path("state").asText());
        assertEquals(100, after.path("limit").asLong());
        assertEquals(7, after.path("remaining").asLong());
        assertEquals(0, after.path("tooManyRequests").asLong());
        assertTrue(after.path("spared").asBoolean(), "7 of 100 is below the default reserve of 10%");
    }

    @Test
    void historyEndsWithTheFiguresAsTheyStand() throws IOException {
        byte[] blob = TestBlobs.random(50_000, 12);
        String digest = upstream.addBlob(REPO, blob);
        client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));
        client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));

        JsonNode history = ok("GET", "/admin/history", null);
        JsonNode stats = ok("GET", "/admin/stats", null);

        assertEquals(10, history.path("everySeconds").asInt());
        List<String> local = new ArrayList<>();
        history.path("localTiers").forEach(tier -> local.add(tier.asText()));
        assertTrue(local.contains("disk") && local.contains("memory") && !local.contains("upstream"), local.toString());
        JsonNode samples = history.path("samples");
        assertTrue(samples.size() >= 2, "the sample taken at start, and now: " + samples);
        JsonNode now = samples.get(samples.size() - 1);
        assertTrue(samples.get(0).path("at").asLong() <= now.path("at").asLong());
        assertEquals(2 * blob.length, now.path("servedBytes").asLong());
        assertEquals(blob.length, now.path("fetchedBytes").asLong());
        assertEquals(stats.path("aicache_storage_used_bytes").asLong(), now.path("usedBytes").asLong());
        long answers = 0;
        for (JsonNode count : now.path("answersByTier")) {
            answers += count.asLong();
        }
        assertEquals(2, answers);
        assertEquals(1, now.path("answersByTier").path("upstream").asLong());
    }
}
