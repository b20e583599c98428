package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

/** Blobs pulled through aicache: bytes, headers, coalescing, ranges, HEAD, persistence and self-healing. */
class BlobPullThroughTest {

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
    void servesBlobWithDigestLengthAndEtag() {
        byte[] blob = TestBlobs.random(300_000, 1);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(Long.toString(blob.length), response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("\"" + digest + "\"", response.headers().firstValue("ETag").orElseThrow());
        assertEquals(1, upstream.blobRequests("GET", REPO, digest));
    }

    @Test
    void servesSecondPullFromDisk() throws Exception {
        byte[] blob = TestBlobs.random(300_000, 2);
        String digest = upstream.addBlob(REPO, blob);

        client.get(blobUri(digest));
        HttpResponse<byte[]> second = client.get(blobUri(digest));

        assertEquals(200, second.statusCode());
        assertArrayEquals(blob, second.body());
        assertEquals(digest, second.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(Long.toString(blob.length), second.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "the second pull must not go upstream");
        assertArrayEquals(blob, Files.readAllBytes(aicache.blobFile(digest)), "kept under blobs/sha256/xx/<hex>");
    }

    @Test
    void servesBlobFromDiskAfterRestart() throws Exception {
        byte[] blob = TestBlobs.random(200_000, 3);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));

        aicache.restart();
        HttpResponse<byte[]> afterRestart = client.get(blobUri(digest));

        assertEquals(200, afterRestart.statusCode());
        assertArrayEquals(blob, afterRestart.body());
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "after a restart the blob still comes from disk");
    }

    @Test
    void coalescesConcurrentPullsOfOneColdBlobIntoOneUpstreamGet() throws Exception {
        byte[] blob = TestBlobs.random(4 << 20, 4);
        String digest = upstream.addBlob(REPO, blob);
        // Upstream holds the body after its first bytes until every client has its answer's head,
        // so all eight are certainly reading while the blob is still landing.
        Fault.Stall stall = Fault.stallAfter(64 * 1024, Duration.ofSeconds(60));
        upstream.inject(digest, stall);

        List<CompletableFuture<HttpResponse<InputStream>>> pulls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pulls.add(client.open(blobUri(digest)));
        }
        List<HttpResponse<InputStream>> heads = new ArrayList<>();
        try {
            for (CompletableFuture<HttpResponse<InputStream>> pull : pulls) {
                heads.add(pull.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            stall.release();
        }

        for (HttpResponse<InputStream> head : heads) {
            assertEquals(200, head.statusCode());
            assertEquals(Long.toString(blob.length), head.headers().firstValue("Content-Length").orElseThrow());
            assertArrayEquals(blob, RegistryTestClient.readAll(head.body()));
        }
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "eight clients, one upstream transfer");
    }

    @Test
    void answersRangeOnMissWith206() {
        byte[] blob = TestBlobs.random(300_000, 5);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", "bytes=1000-1999");

        assertPartial(response, blob, 1000, 1999);
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    @Test
    void answersRangeOnHitWith206() {
        byte[] blob = TestBlobs.random(300_000, 6);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));

        HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", "bytes=250000-299999");

        assertPartial(response, blob, 250_000, 299_999);
        assertEquals(1, upstream.blobRequests("GET", REPO, digest));
    }

    @Test
    void answersSuffixRangeOnMissAndOnHit() {
        byte[] blob = TestBlobs.random(100_000, 7);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> onMiss = client.get(blobUri(digest), "Range", "bytes=-500");
        Eventually.until("the blob is kept after the ranged miss", () -> Files.exists(aicache.blobFile(digest)));
        HttpResponse<byte[]> onHit = client.get(blobUri(digest), "Range", "bytes=-500");

        assertPartial(onMiss, blob, 99_500, 99_999);
        assertPartial(onHit, blob, 99_500, 99_999);
        assertEquals(1, upstream.blobRequests("GET", REPO, digest));
    }

    @Test
    void answersOpenEndedRangeToTheLastByte() {
        byte[] blob = TestBlobs.random(100_000, 8);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));

        assertPartial(client.get(blobUri(digest), "Range", "bytes=99000-"), blob, 99_000, 99_999);
    }

    @Test
    void clampsRangeEndingPastTheBlobToItsLastByte() {
        byte[] blob = TestBlobs.random(10_000, 9);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));

        assertPartial(client.get(blobUri(digest), "Range", "bytes=9000-20000"), blob, 9000, 9999);
    }

    @Test
    void refusesUnsatisfiableRangeOnHitWith416AndSize() {
        byte[] blob = TestBlobs.random(10_000, 10);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));

        HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", "bytes=10000-10010");

        assertEquals(416, response.statusCode());
        assertEquals("bytes */10000", response.headers().firstValue("Content-Range").orElseThrow());
        ErrorBody.of(response);
    }

    @Test
    void refusesUnsatisfiableRangeOnMissWith416AndSize() {
        byte[] blob = TestBlobs.random(10_000, 11);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", "bytes=20000-");

        assertEquals(416, response.statusCode());
        assertEquals("bytes */10000", response.headers().firstValue("Content-Range").orElseThrow());
        ErrorBody.of(response);
    }

    @Test
    void refusesMalformedRangeWith400() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(1000, 12));

        for (String range : List.of("bytes=abc", "abc", "bytes=20-10", "bytes=-")) {
            HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", range);

            assertEquals(400, response.statusCode(), range);
            assertEquals("RANGE_INVALID", ErrorBody.of(response).code(), range);
        }
        assertEquals(0, upstream.blobRequests("GET", REPO, digest), "a malformed request never goes upstream");
    }

    @Test
    void answersHeadOfUncachedBlobFromUpstreamHeadWithoutFetchingIt() {
        byte[] blob = TestBlobs.random(123_456, 13);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.head(blobUri(digest));

        assertEquals(200, response.statusCode());
        assertEquals("123456", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(0, response.body().length);
        assertEquals(1, upstream.blobRequests("HEAD", REPO, digest));
        assertEquals(0, upstream.blobRequests("GET", REPO, digest));
        assertFalse(Files.exists(aicache.blobFile(digest)), "a HEAD keeps nothing");
        assertEquals(List.of(), aicache.partialFiles());

        client.get(blobUri(digest));
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "the GET after the HEAD found nothing kept");
    }

    @Test
    void answersHeadOfCachedBlobWithoutAskingUpstream() {
        byte[] blob = TestBlobs.random(5000, 14);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));

        HttpResponse<byte[]> response = client.head(blobUri(digest));

        assertEquals(200, response.statusCode());
        assertEquals("5000", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(0, upstream.blobRequests("HEAD", REPO, digest));
    }

    @Test
    void refetchesBlobWhoseFileWasDeletedFromTheDataDir() throws Exception {
        byte[] blob = TestBlobs.random(200_000, 15);
        String digest = upstream.addBlob(REPO, blob);
        client.get(blobUri(digest));
        assertTrue(Files.exists(aicache.blobFile(digest)));
        // A request before the finished fill lets go of the blob would join it and read its open file.
        Eventually.until("the fill has ended", () -> aicache.metric("aicache_fills_active") == 0);

        Files.delete(aicache.blobFile(digest));
        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
        assertEquals(2, upstream.blobRequests("GET", REPO, digest), "the lost blob was fetched again");
        Eventually.until("the blob is kept again", () -> Files.exists(aicache.blobFile(digest)));
        assertArrayEquals(blob, Files.readAllBytes(aicache.blobFile(digest)));
    }

    @Test
    void completesBlobWhoseFillARestartInterrupted() throws Exception {
        byte[] blob = TestBlobs.random(2 << 20, 16);
        String digest = upstream.addBlob(REPO, blob);
        Fault.Stall stall = Fault.stallAfter(256 * 1024, Duration.ofSeconds(60));
        upstream.injectOnce(digest, stall);
        CompletableFuture<HttpResponse<InputStream>> interrupted = client.open(blobUri(digest));
        // The stalled transfer of the stopped instance is let go only at the end, so it cannot
        // touch the data directory while the restarted instance fetches the blob again.
        try {
            assertEquals(200, interrupted.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS).statusCode());
            assertFalse(aicache.partialFiles().isEmpty(), "the fill is under way in partial/");

            aicache.restart();

            assertFalse(Files.exists(aicache.blobFile(digest)), "an unfinished fill is never a blob");
            HttpResponse<byte[]> response = client.get(blobUri(digest));
            assertEquals(200, response.statusCode());
            assertArrayEquals(blob, response.body());
            assertArrayEquals(blob, Files.readAllBytes(aicache.blobFile(digest)));
            assertEquals(List.of(), aicache.partialFiles(), "nothing of the interrupted fill is left in partial/");
        } finally {
            stall.release();
        }
    }

    /** Restarts aicache with the smallest chunk size, so a blob of a few hundred KiB is many chunks. */
    private void withSmallChunks() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
                .set("storage.chunkSize", "64KiB").start();
    }

    @Test
    void servesBlobOfManyChunksWithRightBytesToConcurrentClients() throws Exception {
        withSmallChunks();
        byte[] blob = TestBlobs.random((1 << 20) + 12_345, 17);
        String digest = upstream.addBlob(REPO, blob);

        List<CompletableFuture<HttpResponse<InputStream>>> pulls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pulls.add(client.open(blobUri(digest)));
        }
        for (CompletableFuture<HttpResponse<InputStream>> pull : pulls) {
            HttpResponse<InputStream> response = pull.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertArrayEquals(blob, RegistryTestClient.readAll(response.body()));
        }
        assertArrayEquals(blob, Files.readAllBytes(aicache.blobFile(digest)));
        assertEquals(List.of(), aicache.partialFiles());
    }

    @Test
    void answersRangeInTheMiddleOfABlobOfManyChunksOnMiss() {
        withSmallChunks();
        byte[] blob = TestBlobs.random(700_000, 18);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", "bytes=300000-400000");

        assertPartial(response, blob, 300_000, 400_000);
    }

    @Test
    void keepsACompressibleBlobCompressedAndServesItByteExactWholeAndInRanges() throws Exception {
        byte[] blob = "usr/share/doc/aicache/README: an uncompressed layer's file list\n".repeat(5000)
                .getBytes(StandardCharsets.UTF_8);
        String digest = upstream.addBlob(REPO, blob);

        assertPartial(client.get(blobUri(digest), "Range", "bytes=1000-50999"), blob, 1000, 50999);
        assertWhole(blob, client.get(blobUri(digest)));
        Eventually.until("the blob is kept", () -> Files.exists(aicache.blobFile(digest)));
        assertTrue(Files.size(aicache.blobFile(digest)) <= blob.length * 4L / 5,
                "kept compressed: " + Files.size(aicache.blobFile(digest)) + " of " + blob.length + " bytes");
        int upstreamGets = upstream.blobRequests("GET", REPO, digest);

        aicache.restart();
        assertPartial(client.get(blobUri(digest), "Range", "bytes=60000-"), blob, 60000, blob.length - 1);
        assertWhole(blob, client.get(blobUri(digest)));
        assertEquals(200, client.head(blobUri(digest)).statusCode());
        assertEquals(upstreamGets, upstream.blobRequests("GET", REPO, digest), "hits are served from the kept file");
    }

    @Test
    void keepsAnIncompressibleBlobAsItIs() throws Exception {
        byte[] blob = TestBlobs.random(300_000, 19);
        String digest = upstream.addBlob(REPO, blob);

        assertWhole(blob, client.get(blobUri(digest)));

        Eventually.until("the blob is kept", () -> Files.exists(aicache.blobFile(digest)));
        assertArrayEquals(blob, Files.readAllBytes(aicache.blobFile(digest)));
    }

    private static void assertWhole(byte[] expected, HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode());
        assertEquals(Long.toString(expected.length), response.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(expected, response.body());
    }

    private static void assertPartial(HttpResponse<byte[]> response, byte[] blob, int first, int last) {
        assertEquals(206, response.statusCode());
        assertEquals("bytes " + first + "-" + last + "/" + blob.length,
                response.headers().firstValue("Content-Range").orElseThrow());
        assertEquals(Integer.toString(last - first + 1), response.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, first, last + 1), response.body());
    }
}
