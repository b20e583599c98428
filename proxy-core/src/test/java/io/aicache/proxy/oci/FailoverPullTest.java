package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * A registry reached at several endpoints: pulls go to the first that can answer, blob fills move on
 * when one dies, the registry is down only when every endpoint is, and a mirror that takes {@code ns}
 * is told which registry is meant.
 */
class FailoverPullTest {

    private static final String REGISTRY = "registry.test";
    private static final String REPO = "org/app";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final FaultyUpstream first = FaultyUpstream.start();
    private final FaultyUpstream second = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        first.close();
        second.close();
    }

    private RunningAicache start(List<?> endpoints, Object... settings) {
        RunningAicache.Builder builder = RunningAicache.builder().upstream(REGISTRY, endpoints);
        for (int i = 0; i < settings.length; i += 2) {
            builder.set((String) settings[i], settings[i + 1]);
        }
        aicache = builder.start();
        return aicache;
    }

    private URI uri(String kind, String reference) {
        return aicache.uri("/v2/" + REPO + "/" + kind + "/" + reference);
    }

    private HttpResponse<byte[]> pullManifest(String reference) {
        return client.get(uri("manifests", reference), "Accept", TestBlobs.OCI_MANIFEST);
    }

    /** The same image on both endpoints, as a mirror has it; returns the manifest's digest. */
    private String addImageToBoth(String tag, byte[] manifest) {
        second.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, manifest);
        return first.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, manifest);
    }

    @Test
    void aPullGoesToTheSecondEndpointWhenTheFirstRefusesConnectionsAndTheMetricsSaySo() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "failover");
        byte[] blob = TestBlobs.random(100_000, 1);
        String digest = addImageToBoth("v1", manifest);
        String blobDigest = second.addBlob(REPO, blob);
        first.close();
        start(List.of(first.endpoint(), second.endpoint()));

        HttpResponse<byte[]> pulled = pullManifest("v1");
        HttpResponse<byte[]> layer = client.get(uri("blobs", blobDigest));

        assertEquals(200, pulled.statusCode());
        assertArrayEquals(manifest, pulled.body());
        assertEquals(digest, pulled.headers().firstValue("Docker-Content-Digest").orElse(null));
        assertEquals(200, layer.statusCode());
        assertArrayEquals(blob, layer.body());
        assertTrue(aicache.metric("aicache_upstream_endpoint_requests_total", "registry", REGISTRY,
                "endpoint", second.endpoint().toString()) >= 2, "the second endpoint answered the manifest and the blob");
        assertEquals(0, aicache.metric("aicache_upstream_endpoint_requests_total", "registry", REGISTRY,
                "endpoint", first.endpoint().toString()));
        assertTrue(aicache.metric("aicache_upstream_failovers_total", "registry", REGISTRY,
                "from", first.endpoint().toString(), "to", second.endpoint().toString()) >= 1);
    }

    @Test
    void withEveryEndpointDownKeptTagsAreServedStaleAndMissesAreUnavailable() throws Exception {
        start(List.of(first.endpoint(), second.endpoint()), "manifests.tagTtl", "1m", "manifests.staleIfError", "1h");
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "kept");
        String digest = addImageToBoth("v1", manifest);
        assertEquals(200, pullManifest("v1").statusCode());
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofMinutes(2));
        first.close();
        second.close();

        HttpResponse<byte[]> stale = pullManifest("v1");
        HttpResponse<byte[]> miss = pullManifest("v2");
        HttpResponse<byte[]> blobMiss = client.get(uri("blobs", TestBlobs.digestOf(TestBlobs.random(10, 2))));

        assertEquals(200, stale.statusCode());
        assertArrayEquals(manifest, stale.body());
        assertEquals(digest, stale.headers().firstValue("Docker-Content-Digest").orElse(null));
        assertTrue(stale.headers().firstValue("Warning").orElse("").startsWith("110 "), stale.headers().map().toString());
        assertEquals(503, miss.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(miss).code());
        assertEquals(503, blobMiss.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(blobMiss).code());
    }

    @Test
    void aBlobFillWhoseFirstEndpointDiesMidwayCompletesFromTheSecond() throws Exception {
        start(List.of(first.endpoint(), second.endpoint()));
        byte[] blob = TestBlobs.random(2 << 20, 3);
        String digest = first.addBlob(REPO, blob);
        second.addBlob(REPO, blob);
        Fault.Gate gate = Fault.holdAfter(64 * 1024);
        first.inject(digest, gate);

        CompletableFuture<HttpResponse<byte[]>> pull = client.getAsync(uri("blobs", digest));
        assertTrue(gate.awaitHeld(1, WAIT), "the first endpoint sent part of the blob");
        first.close();
        HttpResponse<byte[]> pulled = pull.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(200, pulled.statusCode());
        assertArrayEquals(blob, pulled.body());
        assertEquals(digest, TestBlobs.digestOf(pulled.body()));
        List<RecordedRequest> resumed = second.recorded("GET", "/v2/" + REPO + "/blobs/" + digest);
        assertEquals(1, resumed.size(), "the rest came from the second endpoint: " + resumed);
        assertTrue(resumed.get(0).rangeStart().orElse(0) > 0, "resumed where the first endpoint stopped");
        assertTrue(aicache.blobFile(digest).toFile().isFile(), "kept, its digest checked");
    }

    @Test
    void aMirrorMarkedNsIsToldWhichRegistryIsMeant() {
        start(List.of(Map.of("url", first.endpoint().toString(), "ns", true)));
        first.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "chained"));
        first.addManifest(REPO, "v2", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "other"));

        assertEquals(200, pullManifest("v1").statusCode());
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/tags/list?n=1")).statusCode());

        List<RecordedRequest> manifests = first.recorded("GET", "/v2/" + REPO + "/manifests/v1");
        assertEquals(1, manifests.size());
        assertEquals("ns=" + REGISTRY, manifests.get(0).query());
        List<RecordedRequest> tags = first.recorded("GET", "/v2/" + REPO + "/tags/list");
        assertEquals(1, tags.size());
        assertEquals("n=1&ns=" + REGISTRY, tags.get(0).query());
    }
}
