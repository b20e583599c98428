package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.FillAssertions;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * What aicache does when upstream misbehaves: wrong or short bodies never reach a client as
 * a complete answer and are never kept; upstream statuses become the spec's errors; the
 * token flow and Basic credentials work.
 */
class UpstreamFaultTest {

    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private RunningAicache aicache = RunningAicache.against("registry.test", upstream);
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    private URI blobUri(String digest) {
        return aicache.uri("/v2/" + REPO + "/blobs/" + digest);
    }

    @Test
    void abortsAndKeepsNothingWhenUpstreamBytesAreCorrupt() {
        byte[] blob = TestBlobs.random(500_000, 1);
        String digest = upstream.addBlob(REPO, blob);
        upstream.injectOnce(digest, Fault.corrupt());

        FillAssertions.assertNoCompleteBody(client.attemptGet(blobUri(digest)), blob.length);
        FillAssertions.assertNothingKept(aicache, digest);

        HttpResponse<byte[]> retry = client.get(blobUri(digest));
        assertEquals(200, retry.statusCode());
        assertArrayEquals(blob, retry.body());
        assertEquals(2, upstream.blobRequests("GET", REPO, digest), "the corrupt fill was not kept: fetched again");
    }

    @Test
    void abortsAndKeepsNothingWhenUpstreamCutsTheBody() {
        byte[] blob = TestBlobs.random(1 << 20, 2);
        String digest = upstream.addBlob(REPO, blob);
        // Every answer is cut after 4 KiB: even a fetch that resumes where it was cut cannot finish.
        upstream.inject(digest, Fault.cutAfter(4096));

        FillAssertions.assertNoCompleteBody(client.attemptGet(blobUri(digest)), blob.length);
        FillAssertions.assertNothingKept(aicache, digest);

        upstream.clearFaults();
        int before = upstream.blobRequests("GET", REPO, digest);
        HttpResponse<byte[]> retry = client.get(blobUri(digest));
        assertEquals(200, retry.statusCode());
        assertArrayEquals(blob, retry.body());
        assertTrue(upstream.blobRequests("GET", REPO, digest) > before, "the cut fill was not kept: fetched again");
    }

    @Test
    void keepsNothingWhenOneChunkOfABlobOfManyChunksIsCorrupt() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
                .set("storage.chunkSize", "64KiB").start();
        byte[] blob = TestBlobs.random(600_000, 14);
        String digest = upstream.addBlob(REPO, blob);
        upstream.injectOnce(digest, Fault.corrupt());

        FillAssertions.assertNoCompleteBody(client.attemptGet(blobUri(digest)), blob.length);
        FillAssertions.assertNothingKept(aicache, digest);

        HttpResponse<byte[]> retry = client.get(blobUri(digest));
        assertEquals(200, retry.statusCode());
        assertArrayEquals(blob, retry.body());
    }

    @Test
    void abortsRangeAnswerWhenUpstreamBytesAreCorrupt() {
        byte[] blob = TestBlobs.random(300_000, 3);
        String digest = upstream.addBlob(REPO, blob);
        upstream.injectOnce(digest, Fault.corrupt());

        FillAssertions.assertNoCompleteBody(client.attemptGet(blobUri(digest), "Range", "bytes=0-99"), 100);
        FillAssertions.assertNothingKept(aicache, digest);
    }

    @Test
    void mapsUpstream404ToBlobUnknown() {
        String digest = TestBlobs.digestOf(TestBlobs.random(100, 4));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(404, response.statusCode());
        assertEquals("BLOB_UNKNOWN", ErrorBody.of(response).code());
        FillAssertions.assertNothingKept(aicache, digest);
    }

    @Test
    void mapsUpstream404OnHeadToBlobUnknown() {
        String digest = TestBlobs.digestOf(TestBlobs.random(100, 5));

        HttpResponse<byte[]> response = client.head(blobUri(digest));

        assertEquals(404, response.statusCode());
        assertEquals(1, upstream.blobRequests("HEAD", REPO, digest));
    }

    @Test
    void mapsUpstream401WithoutChallengeToUnauthorized() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(1000, 6));
        upstream.inject(digest, Fault.status(401));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHORIZED", ErrorBody.of(response).code());
        FillAssertions.assertNothingKept(aicache, digest);
    }

    @Test
    void mapsUpstream500ToUnavailable() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(1000, 7));
        upstream.inject(digest, Fault.status(500));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(503, response.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
        FillAssertions.assertNothingKept(aicache, digest);
    }

    @Test
    void passesUpstream429OnWithRetryAfter() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(1000, 8));
        upstream.inject(digest, Fault.tooManyRequests("1"));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(429, response.statusCode());
        assertEquals("TOOMANYREQUESTS", ErrorBody.of(response).code());
        assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
        FillAssertions.assertNothingKept(aicache, digest);
    }

    @Test
    void forgetsUpstream404OnceTheBlobAppears() {
        byte[] blob = TestBlobs.random(1000, 9);
        String digest = TestBlobs.digestOf(blob);
        assertEquals(404, client.get(blobUri(digest)).statusCode());

        upstream.addBlob(REPO, blob);
        HttpResponse<byte[]> later = client.get(blobUri(digest));

        assertEquals(200, later.statusCode(), "a 404 is not remembered");
        assertArrayEquals(blob, later.body());
    }

    @Test
    void mapsUpstream500OnManifestToUnavailable() {
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "m"));
        upstream.inject("v1", Fault.status(500));

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/manifests/v1"));

        assertEquals(503, response.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
    }

    @Test
    void fetchesWithBearerTokenAndReusesItForOtherBlobsOfTheRepository() {
        byte[] first = TestBlobs.random(10_000, 10);
        byte[] second = TestBlobs.random(20_000, 11);
        String firstDigest = upstream.addBlob(REPO, first);
        String secondDigest = upstream.addBlob(REPO, second);
        upstream.requireBearerToken();

        HttpResponse<byte[]> one = client.get(blobUri(firstDigest));
        HttpResponse<byte[]> two = client.get(blobUri(secondDigest));

        assertEquals(200, one.statusCode());
        assertArrayEquals(first, one.body());
        assertEquals(200, two.statusCode());
        assertArrayEquals(second, two.body());
        assertEquals(1, upstream.tokenRequests(), "one token for the repository, reused for the second blob");
        assertTrue(upstream.recorded("GET", "/v2/" + REPO + "/blobs/" + secondDigest).stream()
                        .allMatch(r -> r.header("Authorization").filter(a -> a.startsWith("Bearer ")).isPresent()),
                "the second blob was asked for with the token at once");
    }

    @Test
    void fetchesWithBasicCredentials() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint(), "puller", "s3cret").start();
        byte[] blob = TestBlobs.random(10_000, 12);
        String digest = upstream.addBlob(REPO, blob);
        upstream.requireBasic("puller", "s3cret");

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
    }

    @Test
    void mapsRefusedBasicCredentialsToUnauthorized() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint(), "puller", "wrong").start();
        String digest = upstream.addBlob(REPO, TestBlobs.random(10_000, 13));
        upstream.requireBasic("puller", "s3cret");

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHORIZED", ErrorBody.of(response).code());
    }
}
