package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Tags past their TTL: per-pattern TTLs, one upstream HEAD however many clients wait,
 * stale-while-revalidate, stale-if-error with {@code Warning} and {@code Age}, tags deleted
 * upstream, offline mode, and marking an upstream down after repeated failures. Instead of
 * waiting for a TTL to pass, a test backdates the kept tag ({@link RunningAicache#backdateTag}).
 */
class TagRevalidationTest {

    private static final String REGISTRY = "registry.test";
    private static final String REPO = "org/app";
    private static final String ACCEPT = String.join(", ", TestBlobs.OCI_INDEX, TestBlobs.OCI_MANIFEST,
            TestBlobs.DOCKER_LIST, TestBlobs.DOCKER_MANIFEST);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private final List<Runnable> cleanups = new ArrayList<>();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        cleanups.forEach(Runnable::run);
        if (aicache != null) {
            aicache.close();
        }
        upstream.close();
    }

    private RunningAicache start(Object... settings) {
        RunningAicache.Builder builder = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint());
        for (int i = 0; i < settings.length; i += 2) {
            builder.set((String) settings[i], settings[i + 1]);
        }
        aicache = builder.start();
        return aicache;
    }

    // ---- TTLs per tag pattern

    @Test
    void revalidatesLatestOnEveryPullButNotAReleaseTagWithinItsTtl() {
        start("manifests.tagTtl", "5m", "manifests.tagTtls", List.of(
                Map.of("pattern", "latest", "ttl", "0s"),
                Map.of("pattern", "v?[0-9]+\\.[0-9]+\\.[0-9]+", "ttl", "1h")));
        byte[] latest = manifest("latest");
        byte[] release = manifest("release");
        String latestDigest = upstream.addManifest(REPO, "latest", TestBlobs.OCI_MANIFEST, latest);
        String releaseDigest = upstream.addManifest(REPO, "v1.2.3", TestBlobs.OCI_MANIFEST, release);
        pull("latest");
        pull("v1.2.3");

        for (int i = 0; i < 3; i++) {
            assertManifest(pull("latest"), latest, latestDigest);
            assertManifest(pull("v1.2.3"), release, releaseDigest);
        }

        assertEquals(3, upstream.manifestRequests("HEAD", REPO, "latest"), "latest (ttl 0s) is asked about on every pull");
        assertEquals(1, upstream.manifestRequests("GET", REPO, "latest"), "and, unchanged, not fetched again");
        assertEquals(0, upstream.manifestRequests("HEAD", REPO, "v1.2.3"), "v1.2.3 (ttl 1h) is served from the cache");
        assertEquals(1, upstream.manifestRequests("GET", REPO, "v1.2.3"));
    }

    @Test
    void givesEachTagTheTtlOfTheFirstPatternItMatchesAndTheDefaultOtherwise() throws Exception {
        start("manifests.tagTtl", "5m", "manifests.tagTtls", List.of(
                Map.of("pattern", "v?[0-9]+\\.[0-9]+\\.[0-9]+", "ttl", "1h"),
                Map.of("pattern", "v.*", "ttl", "1s")));
        upstream.addManifest(REPO, "v1.2.3", TestBlobs.OCI_MANIFEST, manifest("release"));
        upstream.addManifest(REPO, "edge", TestBlobs.OCI_MANIFEST, manifest("edge"));
        pull("v1.2.3");
        pull("edge");

        // 30 minutes: within v1.2.3's hour (the first pattern it matches, not "v.*"), past edge's default 5 minutes.
        aicache.backdateTag(REGISTRY, REPO, "v1.2.3", Duration.ofMinutes(30));
        aicache.backdateTag(REGISTRY, REPO, "edge", Duration.ofMinutes(30));
        assertEquals(200, pull("v1.2.3").statusCode());
        assertEquals(200, pull("edge").statusCode());

        assertEquals(0, upstream.manifestRequests("HEAD", REPO, "v1.2.3"));
        assertEquals(1, upstream.manifestRequests("HEAD", REPO, "edge"));
    }

    // ---- one revalidation at a time

    @Test
    void sendsOneUpstreamHeadForEightConcurrentRevalidationsOfOneTag() throws Exception {
        start("manifests.tagTtl", "1h");
        byte[] kept = manifest("v1");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, kept);
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofHours(2));
        Fault.Gate gate = Fault.holdBeforeAnswer();
        cleanups.add(gate::open);
        upstream.inject("v1", gate, RecordedRequest.method("HEAD"));

        List<CompletableFuture<HttpResponse<byte[]>>> pulls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pulls.add(client.getAsync(manifestUri("v1"), "Accept", ACCEPT));
        }
        assertTrue(gate.awaitHeld(1, WAIT), "the expired tag was revalidated with a HEAD");
        // While that HEAD is held, the seven other requests wait for it instead of asking again.
        assertFalse(gate.awaitHeld(2, Duration.ofSeconds(2)), "a second HEAD for the same tag went upstream");
        gate.open();

        for (CompletableFuture<HttpResponse<byte[]>> pull : pulls) {
            assertManifest(pull.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS), kept, digest);
        }
        assertEquals(1, upstream.manifestRequests("HEAD", REPO, "v1"), "one HEAD for eight clients");
        assertEquals(1, upstream.manifestRequests("GET", REPO, "v1"), "the first pull only");
    }

    @Test
    void givesAClientThatJoinedARevalidationAManifestOfATypeItAccepts() throws Exception {
        start("manifests.tagTtl", "1h");
        byte[] single = TestBlobs.manifest(TestBlobs.DOCKER_MANIFEST, "single");
        String singleDigest = upstream.addManifest(REPO, "v1", TestBlobs.DOCKER_MANIFEST, single);
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofHours(2));
        // Upstream now has an index under v1 too, which it prefers for clients that accept one.
        upstream.removeTag(REPO, "v1");
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_INDEX, TestBlobs.manifest(TestBlobs.OCI_INDEX, "multi"));
        upstream.addManifest(REPO, "v1", TestBlobs.DOCKER_MANIFEST, single);
        Fault.Gate gate = Fault.holdBeforeAnswer();
        cleanups.add(gate::open);
        upstream.inject("v1", gate, RecordedRequest.method("HEAD"));

        CompletableFuture<HttpResponse<byte[]>> modern = client.getAsync(manifestUri("v1"), "Accept", ACCEPT);
        assertTrue(gate.awaitHeld(1, WAIT), "the modern client's pull revalidates the tag");
        // An older client that takes only Docker schema 2 manifests asks while that HEAD is held.
        CompletableFuture<HttpResponse<byte[]>> old = client.getAsync(manifestUri("v1"), "Accept", TestBlobs.DOCKER_MANIFEST);
        gate.awaitHeld(2, Duration.ofSeconds(2));
        gate.open();

        HttpResponse<byte[]> oldAnswer = old.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, modern.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).statusCode());
        assertEquals(TestBlobs.DOCKER_MANIFEST, oldAnswer.headers().firstValue("Content-Type").orElseThrow(),
                "a client that accepts only Docker schema 2 got " + oldAnswer.headers().firstValue("Content-Type")
                        .orElse("(none)") + ": " + new String(oldAnswer.body(), StandardCharsets.UTF_8));
        assertManifest(oldAnswer, single, singleDigest);
    }

    // ---- stale-while-revalidate

    @Test
    void servesTheKeptManifestAtOnceWithinStaleWhileRevalidateAndRevalidatesInTheBackground() throws Exception {
        start("manifests.tagTtl", "1m", "manifests.staleWhileRevalidate", "1h");
        byte[] old = manifest("old");
        String oldDigest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, old);
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofMinutes(2));
        byte[] moved = manifest("moved");
        String movedDigest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, moved);
        Fault.Gate gate = Fault.holdBeforeAnswer();
        cleanups.add(gate::open);
        upstream.inject("v1", gate, RecordedRequest.method("HEAD"));

        // Answered while upstream holds the revalidating HEAD: the client did not wait for it.
        assertManifest(pull("v1"), old, oldDigest);
        assertTrue(gate.awaitHeld(1, WAIT), "the tag is revalidated in the background");
        gate.open();

        Eventually.until("the background revalidation moved the tag", () -> {
            HttpResponse<byte[]> now = pull("v1");
            return movedDigest.equals(now.headers().firstValue("Docker-Content-Digest").orElse(""));
        });
        assertManifest(pull("v1"), moved, movedDigest);
        assertEquals(1, upstream.manifestRequests("HEAD", REPO, "v1"));
    }

    // ---- stale-if-error

    /** How upstream fails a revalidation. */
    enum Failure {
        STATUS_503, STATUS_429, CLOSED;

        void apply(FaultyUpstream upstream) {
            switch (this) {
                case STATUS_503 -> upstream.inject("v1", Fault.status(503));
                case STATUS_429 -> upstream.inject("v1", Fault.tooManyRequests("30"));
                case CLOSED -> upstream.close();
                default -> throw new IllegalStateException();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void servesTheKeptManifestWithWarningAndAgeWhenUpstreamCannotRevalidate(Failure failure) throws Exception {
        start("manifests.tagTtl", "1m", "manifests.staleIfError", "1h");
        byte[] kept = manifest("kept");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, kept);
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofMinutes(2));
        failure.apply(upstream);

        HttpResponse<byte[]> stale = pull("v1");

        assertManifest(stale, kept, digest);
        String warning = stale.headers().firstValue("Warning").orElseThrow(() -> new AssertionError("no Warning header"));
        assertTrue(warning.startsWith("110 "), "Warning: " + warning);
        long age = Long.parseLong(stale.headers().firstValue("Age").orElseThrow(() -> new AssertionError("no Age header")));
        assertTrue(age >= 120, "Age counts from when upstream last confirmed the tag: " + age);
        if (failure != Failure.CLOSED) {
            assertEquals(1, upstream.manifestRequests("HEAD", REPO, "v1"), "upstream was asked");
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void answersTheUpstreamErrorOncePastStaleIfError(Failure failure) throws Exception {
        start("manifests.tagTtl", "1m", "manifests.staleIfError", "1h");
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest("kept"));
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofHours(2));
        failure.apply(upstream);

        HttpResponse<byte[]> response = pull("v1");

        if (failure == Failure.STATUS_429) {
            assertEquals(429, response.statusCode());
            assertEquals("TOOMANYREQUESTS", ErrorBody.of(response).code());
            assertEquals("30", response.headers().firstValue("Retry-After").orElse("(none)"));
        } else {
            assertEquals(503, response.statusCode());
            assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
        }
        assertTrue(response.headers().firstValue("Warning").isEmpty());
    }

    @Test
    void answersUpstreamsErrorWithoutAnotherRequestWhenTheStaleTagsManifestWasEvicted() throws Exception {
        start("manifests.tagTtl", "1m", "manifests.staleIfError", "1h");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest("evicted"));
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofMinutes(2));
        HttpResponse<byte[]> removed = client.send("DELETE", aicache.uri("/admin/blobs/" + digest),
                "Authorization", "Bearer " + aicache.adminToken());
        assertEquals(200, removed.statusCode(), new String(removed.body(), StandardCharsets.UTF_8));
        Failure.STATUS_503.apply(upstream);

        HttpResponse<byte[]> response = pull("v1");

        assertEquals(503, response.statusCode());
        assertTrue(response.headers().firstValue("Warning").isEmpty(), "nothing stale was served");
        assertEquals(1, upstream.manifestRequests("GET", REPO, "v1"), "only the first pull fetched the manifest");
    }

    @Test
    void answersManifestUnknownWhenTheTagWasDeletedUpstream() throws Exception {
        start("manifests.tagTtl", "1m", "manifests.staleIfError", "7d");
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest("deleted"));
        pull("v1");
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofMinutes(2));
        upstream.removeTag(REPO, "v1");

        HttpResponse<byte[]> response = pull("v1");

        assertEquals(404, response.statusCode(), "a tag upstream says is gone is not served stale");
        assertEquals("MANIFEST_UNKNOWN", ErrorBody.of(response).code());
        assertEquals(1, upstream.manifestRequests("HEAD", REPO, "v1"));
        assertEquals(404, pull("v1").statusCode(), "and stays gone");
    }

    // ---- offline

    @Test
    void servesKeptTagsAndAnswersMissesWith503WithoutAskingUpstreamWhenOffline() throws Exception {
        start("manifests.tagTtl", "1m");
        byte[] kept = manifest("kept");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, kept);
        upstream.addManifest(REPO, "v2", TestBlobs.OCI_MANIFEST, manifest("never pulled"));
        byte[] blob = TestBlobs.random(100_000, 1);
        String blobDigest = upstream.addBlob(REPO, blob);
        String missingBlob = upstream.addBlob(REPO, TestBlobs.random(100_000, 2));
        pull("v1");
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + blobDigest)).statusCode());
        aicache.restartWith("upstream.offline", true);
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofDays(30));
        int before = upstream.recorded().size();

        assertManifest(pull("v1"), kept, digest);
        assertManifest(pull(digest), kept, digest);
        HttpResponse<byte[]> keptBlob = client.get(aicache.uri("/v2/" + REPO + "/blobs/" + blobDigest));
        assertEquals(200, keptBlob.statusCode());
        assertArrayEquals(blob, keptBlob.body());
        assertUnavailable(pull("v2"));
        assertUnavailable(pull(TestBlobs.digestOf(manifest("unknown"))));
        assertUnavailable(client.get(aicache.uri("/v2/" + REPO + "/blobs/" + missingBlob)));

        assertEquals(before, upstream.recorded().size(), "nothing was sent upstream: " + upstream.recorded());
    }

    // ---- marking an upstream down

    @Test
    void failsFastWhileMarkedDownThenLetsOneProbeThroughAndComesBackOnItsSuccess() throws Exception {
        start("upstream.markDownAfter", 2, "upstream.markDownFor", "2s", "manifests.tagTtl", "0s",
                "manifests.staleIfError", "0s");
        byte[] kept = manifest("v1");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, kept);
        upstream.addManifest(REPO, "v2", TestBlobs.OCI_MANIFEST, manifest("v2"));
        upstream.inject("v1", Fault.status(503));

        assertUnavailable(pull("v1"));
        assertUnavailable(pull("v1"));
        assertEquals(2, upstream.manifestRequests("GET", REPO, "v1"));
        // Marked down: these fail at once, without reaching upstream.
        assertUnavailable(pull("v1"));
        assertUnavailable(pull("v2"));
        assertEquals(2, upstream.manifestRequests("GET", REPO, "v1"), "marked down after two failures");
        assertEquals(0, upstream.manifestRequests("GET", REPO, "v2"));

        upstream.clearFaults();
        Fault.Gate gate = Fault.holdBeforeAnswer();
        cleanups.add(gate::open);
        upstream.inject("v1", gate, 1);
        CompletableFuture<HttpResponse<byte[]>> probe = awaitProbe(gate);
        // While the probe is out, everything else still fails fast.
        assertUnavailable(pull("v2"));
        assertEquals(0, upstream.manifestRequests("GET", REPO, "v2"), "one probe at a time");
        gate.open();

        assertManifest(probe.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS), kept, digest);
        assertEquals(3, upstream.manifestRequests("GET", REPO, "v1"), "exactly one probe went through");
        assertManifest(pull("v1"), kept, digest);
        assertEquals(1, upstream.manifestRequests("HEAD", REPO, "v1"), "up again: the next pull revalidates upstream");
        assertEquals(200, pull("v2").statusCode());
        assertEquals(1, upstream.manifestRequests("GET", REPO, "v2"));
    }

    /**
     * Pulls v1 until a pull gets through to upstream (it is then held at {@code gate}); every
     * pull before it must fail fast. Returns the pull that is the probe.
     */
    private CompletableFuture<HttpResponse<byte[]>> awaitProbe(Fault.Gate gate) throws Exception {
        long deadline = System.nanoTime() + Eventually.DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            CompletableFuture<HttpResponse<byte[]>> attempt = client.getAsync(manifestUri("v1"), "Accept", ACCEPT);
            while (!attempt.isDone() && gate.arrived() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (gate.arrived() > 0) {
                return attempt;
            }
            assertUnavailable(attempt.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            Thread.sleep(50);
        }
        throw new AssertionError("no request reached upstream within " + Eventually.DEADLINE + " after markDownFor");
    }

    // ---- helpers

    private static byte[] manifest(String marker) {
        return TestBlobs.manifest(TestBlobs.OCI_MANIFEST, marker);
    }

    private URI manifestUri(String reference) {
        return aicache.uri("/v2/" + REPO + "/manifests/" + reference);
    }

    private HttpResponse<byte[]> pull(String reference) {
        return client.get(manifestUri(reference), "Accept", ACCEPT);
    }

    private static void assertManifest(HttpResponse<byte[]> response, byte[] bytes, String digest) {
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        assertArrayEquals(bytes, response.body());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    private static void assertUnavailable(HttpResponse<byte[]> response) {
        assertEquals(503, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
    }
}
