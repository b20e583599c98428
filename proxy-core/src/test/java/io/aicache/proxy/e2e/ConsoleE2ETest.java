package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.ConsoleBrowser;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.SeededImage;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * The web console in a real browser (Debian's Chromium, headless, driven by Playwright) against an
 * aicache filled by the test: the page refuses without the admin token; its overview shows what the
 * admin API reports; a fill held by the upstream shows its progress and goes when done; pins, a live
 * prefetch and a purge made on the page change what the admin API reports. Screenshots go to
 * {@code target/console-screenshots/}.
 */
@Tag("e2e")
class ConsoleE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRY = "registry.test";
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int HELD_AFTER = 64 * 1024;

    @TempDir
    Path tempDir;

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private RunningAicache aicache;
    private ConsoleBrowser browser;

    @BeforeEach
    void start() throws IOException {
        // Small chunks, so a held blob is several ranges in flight at once.
        aicache = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint())
                .set("storage.chunkSize", "256KiB").set("fill.parallelism", 4).set("storage.maxSize", "64MiB")
                .start();
        Files.createDirectories(SCREENSHOTS);
        browser = ConsoleBrowser.start(tempDir);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        aicache.close();
        upstream.close();
    }

    @Test
    void theConsoleShowsAndChangesWhatTheAdminApiReports() throws Exception {
        SeededImage app = SeededImage.seed(upstream, "org/app", "1.0", List.of("linux/amd64"), 3, 400_000, 0);
        pull("org/app", "1.0", app);
        pull("org/app", "1.0", app);

        refusesWithoutTheToken();
        overviewShowsTheAdminApisFigures();
        aFillShowsItsProgressAndGoesWhenDone();
        pinsMadeOnThePageAreTheAdminApis();
        aPrefetchShowsItsProgressAndItsImageIsKept();
        JsonNode overview = browser.run("overview");
        assertEquals(stats().path("aicache_storage_used_bytes").asDouble(), overview.path("figures").path("usedBytes").asDouble());
        browser.screenshot(SCREENSHOTS.resolve("overview.png"));

        assertEquals(0, browser.run("signOut").path("token").asInt(), "signing out forgets the token");
        JsonNode state = browser.run("state");
        assertTrue(state.path("signInShown").asBoolean());
        assertFalse(state.path("overviewShown").asBoolean());
        state.path("urls").forEach(url -> assertFalse(url.asText().contains(aicache.adminToken()), url.asText()));
        assertEquals(List.of(), JSON.convertValue(state.path("problems"), List.class), "the page logged no error");
    }

    private void refusesWithoutTheToken() throws IOException {
        browser.run("open", "url", aicache.uri("/ui/").toString());
        JsonNode before = browser.run("state");
        assertTrue(before.path("signInShown").asBoolean(), "the page asks for the token first");
        assertFalse(before.path("overviewShown").asBoolean());
        assertEquals(0, before.path("adminRequests").asInt(), "without a token the page asks the admin API nothing");
        browser.screenshot(SCREENSHOTS.resolve("sign-in.png"));

        JsonNode wrong = browser.run("signIn", "token", "not-the-admin-token");
        assertFalse(wrong.path("signedIn").asBoolean());
        String refusal = wrong.path("refusal").asText();
        assertTrue(refusal.contains("refused the admin token") && refusal.contains("401"), refusal);
        assertFalse(browser.run("state").path("overviewShown").asBoolean());
        browser.screenshot(SCREENSHOTS.resolve("refused.png"));

        assertTrue(browser.run("signIn", "token", aicache.adminToken()).path("signedIn").asBoolean());
        assertEquals(0, browser.run("state").path("adminRequestsWithoutToken").asInt());
    }

    private void overviewShowsTheAdminApisFigures() throws IOException {
        JsonNode shown = browser.run("overview");
        JsonNode stats = stats();
        JsonNode figures = shown.path("figures");
        assertEquals(sum(stats.path("aicache_served_bytes")), figures.path("servedBytes").asDouble());
        assertEquals(sum(stats.path("aicache_upstream_bytes")), figures.path("fetchedBytes").asDouble());
        assertEquals(stats.path("aicache_storage_used_bytes").asDouble(), figures.path("usedBytes").asDouble());
        assertEquals(64 << 20, figures.path("budgetBytes").asLong());
        Map<String, Double> byTier = sumByTier(stats.path("aicache_cache_answers"));
        assertEquals(byTier, JSON.convertValue(shown.path("tiers"), new TypeReference<TreeMap<String, Double>>() { }));
        double local = byTier.entrySet().stream().filter(tier -> !tier.getKey().equals("upstream"))
                .mapToDouble(Map.Entry::getValue).sum();
        double all = byTier.values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(local / all, figures.path("hitRatio").asDouble(), 1e-9);
        assertTrue(local > 0 && local < all, "the second pull was served from the cache: " + byTier);
        assertEquals("up", shown.path("upstreams").get(0).path("state").asText());
        assertEquals(REGISTRY, shown.path("upstreams").get(0).path("registry").asText());
        assertTrue(shown.path("charts").path("bytes").asInt() > 0, "the bytes chart has a line: " + shown);
    }

    private void aFillShowsItsProgressAndGoesWhenDone() throws Exception {
        byte[] blob = TestBlobs.random(2 << 20, 7);
        String digest = upstream.addBlob("org/big", blob);
        Fault.Gate gate = Fault.holdAfter(HELD_AFTER);
        upstream.inject(digest, gate);
        CompletableFuture<HttpResponse<byte[]>> pull = client.getAsync(aicache.uri("/v2/org/big/blobs/" + digest));
        assertTrue(gate.awaitHeld(1, WAIT), "upstream holds the blob after its first bytes");

        JsonNode row = browser.run("fillShown", "digest", digest);
        assertEquals(blob.length, row.path("size").asLong());
        assertTrue(row.path("landed").asLong() > 0 && row.path("landed").asLong() < blob.length, row.toString());
        assertEquals(row.path("landed").asLong(), row.path("progressValue").asLong());
        assertEquals(blob.length, row.path("progressMax").asLong());
        assertEquals(1, row.path("readers").asInt(), row.toString());
        assertTrue(row.path("ranges").asInt() >= 1, row.toString());
        assertTrue(row.path("text").asText().contains(REGISTRY + " / org/big"), row.toString());
        JsonNode fills = admin("/admin/fills");
        assertEquals(digest, fills.get(0).path("digest").asText(), "the admin API lists the same fill");
        browser.screenshot(SCREENSHOTS.resolve("fills.png"));

        gate.open();
        HttpResponse<byte[]> pulled = pull.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertArrayEquals(blob, pulled.body());
        assertTrue(browser.run("fillGone", "digest", digest).path("emptyShown").asBoolean());
        assertEquals(0, admin("/admin/fills").size());
    }

    private void pinsMadeOnThePageAreTheAdminApis() throws IOException {
        String image = REGISTRY + "/org/app:1.0";
        JsonNode rows = browser.run("images").path("rows");
        assertEquals(image, rows.get(0).path("image").asText());
        assertEquals(admin("/admin/images").get(0).path("keptBytes").asLong(), rows.get(0).path("bytes").asLong());
        assertEquals(0, browser.run("images", "search", "no-such-image").path("rows").size(), "the search box filters");

        browser.run("act", "image", image, "action", "pin");
        assertEquals(List.of(image), pins());
        browser.screenshot(SCREENSHOTS.resolve("images.png"));
        browser.run("act", "image", image, "action", "unpin");
        assertEquals(List.of(), pins());
    }

    private void aPrefetchShowsItsProgressAndItsImageIsKept() throws Exception {
        SeededImage other = SeededImage.seed(upstream, "org/other", "2.0", List.of("linux/amd64"), 2, 1 << 20, 0);
        String held = other.blobs("linux/amd64").entrySet().stream().filter(blob -> blob.getValue() == 1 << 20)
                .findFirst().orElseThrow().getKey();
        Fault.Gate gate = Fault.holdAfter(HELD_AFTER);
        upstream.inject(held, gate);
        String image = REGISTRY + "/org/other:2.0";

        browser.run("prefetch", "image", image);
        assertTrue(gate.awaitHeld(1, WAIT), "upstream holds a layer of the prefetched image");
        JsonNode running = browser.run("prefetchShown", "image", image, "until", "running");
        assertTrue(running.path("landed").asLong() < running.path("total").asLong(), running.toString());
        browser.screenshot(SCREENSHOTS.resolve("prefetch.png"));
        gate.open();
        JsonNode done = browser.run("prefetchShown", "image", image, "until", "done");
        assertEquals("done", done.path("state").asText(), done.toString());
        assertEquals(done.path("total").asLong(), done.path("landed").asLong());

        JsonNode kept = null;
        for (JsonNode entry : admin("/admin/images")) {
            if (entry.path("image").asText().equals(image)) {
                kept = entry;
            }
        }
        assertNotNull(kept, "the prefetched image is kept");
        assertEquals(other.blobs("linux/amd64").size() + 1, kept.path("blobsKept").asInt());

        browser.run("act", "image", image, "action", "purge");
        admin("/admin/images").forEach(entry -> assertFalse(entry.path("image").asText().equals(image), "purged"));
    }

    /** Pulls the image's manifest and blobs through aicache, as a client would. */
    private void pull(String repository, String tag, SeededImage image) {
        HttpResponse<byte[]> manifest = client.get(aicache.uri("/v2/" + repository + "/manifests/" + tag),
                "Accept", TestBlobs.OCI_MANIFEST);
        assertEquals(200, manifest.statusCode());
        image.blobs("linux/amd64").keySet().forEach(digest ->
                assertEquals(200, client.get(aicache.uri("/v2/" + repository + "/blobs/" + digest)).statusCode()));
    }

    private List<String> pins() throws IOException {
        List<String> pins = new ArrayList<>();
        admin("/admin/pins").forEach(pin -> pins.add(pin.path("image").asText()));
        return pins;
    }

    private JsonNode stats() throws IOException {
        return admin("/admin/stats");
    }

    private JsonNode admin(String path) throws IOException {
        HttpResponse<byte[]> response = client.get(aicache.uri(path), "Authorization", "Bearer " + aicache.adminToken());
        assertEquals(200, response.statusCode(), path);
        return JSON.readTree(response.body());
    }

    private static double sum(JsonNode meter) {
        double sum = 0;
        for (JsonNode value : meter) {
            sum += value.asDouble();
        }
        return sum;
    }

    private static Map<String, Double> sumByTier(JsonNode answers) {
        Map<String, Double> byTier = new TreeMap<>();
        answers.fields().forEachRemaining(entry -> {
            for (String pair : entry.getKey().split(",")) {
                if (pair.startsWith("tier=")) {
                    byTier.merge(pair.substring(5), entry.getValue().asDouble(), Double::sum);
                }
            }
        });
        return byTier;
    }
}
