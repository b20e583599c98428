package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * A kept blob or manifest is served under a repository only when it is known to belong to it: a
 * private layer's digest does not pull it through another name.
 */
class RepositoryLinksPullTest {

    private static final String TEAM_A = "team-a/app";
    private static final String TEAM_B = "team-b/app";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    private HttpResponse<byte[]> getBlob(String repository, String digest) {
        return client.get(aicache.uri("/v2/" + repository + "/blobs/" + digest));
    }

    private HttpResponse<byte[]> getManifest(String repository, String reference) {
        return client.get(aicache.uri("/v2/" + repository + "/manifests/" + reference), "Accept", TestBlobs.OCI_MANIFEST);
    }

    /** A blob upstream has in both repositories, pulled (and so kept) through team-a; its digest. */
    private String keptThroughTeamAAndInTeamBUpstream(byte[] layer) {
        String digest = upstream.addBlob(TEAM_A, layer);
        upstream.addBlob(TEAM_B, layer);
        assertArrayEquals(layer, getBlob(TEAM_A, digest).body());
        return digest;
    }

    /** The answer is the spec's error JSON and nothing else: no byte of the blob. */
    private static void assertUnknown(HttpResponse<byte[]> response, String code) {
        assertEquals(404, response.statusCode());
        assertEquals(code, ErrorBody.of(response).code());
        assertEquals(Integer.toString(response.body().length), response.headers().firstValue("Content-Length").orElseThrow());
        assertTrue(response.body().length < 1000, "an error body only, " + response.body().length + " bytes");
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).startsWith("{\"errors\":"));
    }

    @Test
    void aBlobKeptForOneRepositoryIsUnknownThroughAnotherThatUpstreamDoesNotHaveItIn() {
        byte[] layer = TestBlobs.random(300_000, 1);
        byte[] config = TestBlobs.random(900, 2);
        String layerDigest = upstream.addBlob(TEAM_A, layer);
        String configDigest = upstream.addBlob(TEAM_A, config);
        for (int i = 0; i < 3; i++) {     // the last ones from disk and from memory
            assertArrayEquals(layer, getBlob(TEAM_A, layerDigest).body());
            assertArrayEquals(config, getBlob(TEAM_A, configDigest).body());
        }

        assertUnknown(getBlob(TEAM_B, layerDigest), "BLOB_UNKNOWN");
        assertUnknown(getBlob(TEAM_B, configDigest), "BLOB_UNKNOWN");
        HttpResponse<byte[]> head = client.head(aicache.uri("/v2/" + TEAM_B + "/blobs/" + layerDigest));
        assertEquals(404, head.statusCode());
        assertEquals(0, head.body().length);

        assertEquals(2, upstream.blobRequests("HEAD", TEAM_B, layerDigest), "each answer is upstream's own");
        assertEquals(0, upstream.blobRequests("GET", TEAM_B, layerDigest));
        assertEquals(1, upstream.blobRequests("HEAD", TEAM_B, configDigest));
        assertEquals(3.0, aicache.metric("aicache_link_confirmations_total", "kind", "blob"), 0.0);
    }

    @Test
    void aBlobUpstreamHasInAnotherRepositoryTooIsServedFromTheCacheAfterOneHead() {
        byte[] layer = TestBlobs.random(300_000, 3);
        String digest = keptThroughTeamAAndInTeamBUpstream(layer);

        HttpResponse<byte[]> first = getBlob(TEAM_B, digest);
        assertEquals(200, first.statusCode());
        assertArrayEquals(layer, first.body());
        assertEquals(1, upstream.blobRequests("HEAD", TEAM_B, digest));
        assertEquals(0, upstream.blobRequests("GET", TEAM_B, digest), "the bytes came from the cache");

        assertArrayEquals(layer, getBlob(TEAM_B, digest).body());
        assertEquals(200, client.head(aicache.uri("/v2/" + TEAM_B + "/blobs/" + digest)).statusCode());
        assertEquals(1, upstream.blobRequests("HEAD", TEAM_B, digest), "linked: nothing more is asked of upstream");
        assertEquals(0, upstream.blobRequests("GET", TEAM_B, digest));
        assertEquals(1, upstream.blobRequests("GET", TEAM_A, digest), "fetched once, ever");
    }

    @Test
    void aManifestByDigestIsServedThroughAnotherRepositoryOnlyWhenUpstreamHasItThere() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "private");
        String digest = upstream.addManifest(TEAM_A, "v1", TestBlobs.OCI_MANIFEST, manifest);
        assertArrayEquals(manifest, getManifest(TEAM_A, "v1").body());
        assertEquals(200, getManifest(TEAM_A, digest).statusCode());
        assertEquals(0, upstream.manifestRequests("HEAD", TEAM_A, digest), "the tag of team-a resolved to it");

        assertUnknown(getManifest(TEAM_B, digest), "MANIFEST_UNKNOWN");
        assertEquals(1, upstream.manifestRequests("HEAD", TEAM_B, digest));
        assertEquals(0, upstream.manifestRequests("GET", TEAM_B, digest));

        upstream.addManifest(TEAM_B, "v1", TestBlobs.OCI_MANIFEST, manifest);
        HttpResponse<byte[]> served = getManifest(TEAM_B, digest);
        assertEquals(200, served.statusCode());
        assertArrayEquals(manifest, served.body());
        assertArrayEquals(manifest, getManifest(TEAM_B, digest).body());
        assertEquals(2, upstream.manifestRequests("HEAD", TEAM_B, digest), "one more HEAD, then linked");
        assertEquals(0, upstream.manifestRequests("GET", TEAM_B, digest), "the bytes came from the cache");
    }

    @Test
    void whatAManifestOfARepositoryReferencesBelongsToItWithoutAskingUpstream() {
        byte[] layer = TestBlobs.random(200_000, 4);
        String layerDigest = upstream.addBlob(TEAM_A, layer);
        upstream.addBlob(TEAM_B, layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestBlobs.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        upstream.addManifest(TEAM_B, "v1", TestBlobs.OCI_MANIFEST, manifest);
        assertArrayEquals(layer, getBlob(TEAM_A, layerDigest).body());

        assertEquals(200, getManifest(TEAM_B, "v1").statusCode());
        assertArrayEquals(layer, getBlob(TEAM_B, layerDigest).body());

        assertEquals(0, upstream.blobRequests("HEAD", TEAM_B, layerDigest), "team-b's manifest references it");
        assertEquals(0, upstream.blobRequests("GET", TEAM_B, layerDigest));
    }

    @Test
    void aFillUnderWayForOneRepositoryIsNotJoinedThroughAnotherBeforeUpstreamConfirmsIt() throws Exception {
        byte[] layer = TestBlobs.random(2 << 20, 5);
        String digest = upstream.addBlob(TEAM_A, layer);
        Fault.Gate gate = Fault.holdAfter(1024);
        upstream.inject(digest, gate, request -> request.method().equals("GET"));
        try {
            CompletableFuture<HttpResponse<byte[]>> teamA = client.getAsync(aicache.uri("/v2/" + TEAM_A + "/blobs/" + digest));
            assertTrue(gate.awaitHeld(1, WAIT), "team-a's fill is under way");

            assertUnknown(getBlob(TEAM_B, digest), "BLOB_UNKNOWN");

            upstream.addBlob(TEAM_B, layer);
            CompletableFuture<HttpResponse<byte[]>> teamB = client.getAsync(aicache.uri("/v2/" + TEAM_B + "/blobs/" + digest));
            Eventually.until("team-b's HEAD reached upstream",
                    () -> upstream.blobRequests("HEAD", TEAM_B, digest) == 2);
            gate.open();

            assertArrayEquals(layer, teamA.get(WAIT.toSeconds(), TimeUnit.SECONDS).body());
            HttpResponse<byte[]> joined = teamB.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, joined.statusCode());
            assertArrayEquals(layer, joined.body());
            assertEquals(0, upstream.blobRequests("GET", TEAM_B, digest), "team-b joined team-a's fill once confirmed");
        } finally {
            gate.open();
        }
    }

    @Test
    void aDataDirectoryFromBeforeLinksServesItsBlobsAfterAHeadWithoutFetchingThemAgain() throws Exception {
        byte[] layer = TestBlobs.random(300_000, 6);
        String digest = upstream.addBlob(TEAM_A, layer);
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "old");
        String manifestDigest = upstream.addManifest(TEAM_A, "v1", TestBlobs.OCI_MANIFEST, manifest);
        assertArrayEquals(layer, getBlob(TEAM_A, digest).body());
        assertArrayEquals(manifest, getManifest(TEAM_A, "v1").body());

        aicache.forgetLinks();

        assertArrayEquals(layer, getBlob(TEAM_A, digest).body());
        assertArrayEquals(layer, getBlob(TEAM_A, digest).body());
        assertEquals(1, upstream.blobRequests("HEAD", TEAM_A, digest), "linked by the first HEAD");
        assertEquals(1, upstream.blobRequests("GET", TEAM_A, digest), "nothing fetched again");

        assertArrayEquals(manifest, getManifest(TEAM_A, "v1").body());
        assertArrayEquals(manifest, getManifest(TEAM_A, manifestDigest).body());
        assertEquals(0, upstream.manifestRequests("HEAD", TEAM_A, manifestDigest), "its kept tag linked it");
        assertEquals(1, upstream.manifestRequests("GET", TEAM_A, "v1"));
        assertUnknown(getBlob(TEAM_B, digest), "BLOB_UNKNOWN");
    }

    @Test
    void offlineOnlyLinkedBlobsAreServedAndAnUnlinkedOneIsUnavailableAsAnUnkeptOneWouldBe() throws Exception {
        byte[] layer = TestBlobs.random(300_000, 7);
        String digest = keptThroughTeamAAndInTeamBUpstream(layer);
        String unkept = upstream.addBlob(TEAM_B, TestBlobs.random(1000, 8));

        aicache.restartWith("upstream.offline", true);

        assertArrayEquals(layer, getBlob(TEAM_A, digest).body());
        HttpResponse<byte[]> unlinked = getBlob(TEAM_B, digest);
        HttpResponse<byte[]> missing = getBlob(TEAM_B, unkept);
        assertEquals(503, unlinked.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(unlinked).code());
        assertEquals(missing.statusCode(), unlinked.statusCode(), "the same answer as a blob aicache does not keep");
        assertEquals(ErrorBody.of(missing).code(), ErrorBody.of(unlinked).code());
        assertEquals(0, upstream.blobRequests("HEAD", TEAM_B, digest));
    }

    @Test
    void withUpstreamDownOnlyLinkedBlobsAreServed() {
        byte[] layer = TestBlobs.random(300_000, 9);
        String digest = keptThroughTeamAAndInTeamBUpstream(layer);

        upstream.injectEverywhere(Fault.status(503));

        assertArrayEquals(layer, getBlob(TEAM_A, digest).body());
        HttpResponse<byte[]> unlinked = getBlob(TEAM_B, digest);
        assertEquals(503, unlinked.statusCode());
        assertTrue(unlinked.body().length < 1000, "an error body only");
        upstream.clearFaults();
        assertArrayEquals(layer, getBlob(TEAM_B, digest).body(), "confirmed once upstream is back");
    }
}
