package io.aicache.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The test upstream's range faults, gates, byte counts, redirects to a second host and
 * expiring tokens do what the fill tests rely on, as a plain HTTP client sees them.
 */
class FaultyUpstreamRangeFaultsTest {

    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private final byte[] blob = TestBlobs.random(10_000, 1);
    private final String digest = upstream.addBlob(REPO, blob);

    @AfterEach
    void stop() {
        upstream.close();
    }

    private URI blobUri() {
        return upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest);
    }

    @Test
    void appliesAFaultOnlyToTheRequestsItsPredicateSelects() {
        upstream.inject(digest, Fault.status(503), RecordedRequest.rangeStartsAt(100), 1);

        assertEquals(206, client.get(blobUri(), "Range", "bytes=0-99").statusCode());
        assertEquals(503, client.get(blobUri(), "Range", "bytes=100-199").statusCode());
        assertEquals(206, client.get(blobUri(), "Range", "bytes=100-199").statusCode(), "used up");
    }

    @Test
    void answersTheWholeBlobWhenIgnoringRange() {
        upstream.inject(digest, Fault.ignoreRange());

        HttpResponse<byte[]> response = client.get(blobUri(), "Range", "bytes=100-199");

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
    }

    @Test
    void shiftsMisplacesAndMisstatesRanges() {
        upstream.inject(digest, Fault.shiftRange(10), 1);
        HttpResponse<byte[]> shifted = client.get(blobUri(), "Range", "bytes=100-199");
        assertEquals("bytes 110-209/10000", shifted.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 110, 210), shifted.body());

        upstream.inject(digest, Fault.misplaceRange(10), 1);
        HttpResponse<byte[]> misplaced = client.get(blobUri(), "Range", "bytes=100-199");
        assertEquals("bytes 100-199/10000", misplaced.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 110, 210), misplaced.body());

        upstream.inject(digest, Fault.wrongTotal(5), 1);
        HttpResponse<byte[]> misstated = client.get(blobUri(), "Range", "bytes=100-199");
        assertEquals("bytes 100-199/5", misstated.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 100, 200), misstated.body());
    }

    @Test
    void truncatesWithAMatchingLengthAndAnnouncesMoreThanItSends() {
        upstream.inject(digest, Fault.truncate(10), 1);
        HttpResponse<byte[]> truncated = client.get(blobUri(), "Range", "bytes=100-199");
        assertEquals(206, truncated.statusCode());
        assertEquals("bytes 100-199/10000", truncated.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 100, 110), truncated.body());

        upstream.inject(digest, Fault.overlongLength(5), 1);
        assertTrue(client.attemptGet(blobUri(), "Range", "bytes=100-199").failed(), "the body falls short of its length");
    }

    @Test
    void countsTheBodyBytesItSendsCutBodiesIncluded() {
        client.get(blobUri());
        client.get(blobUri(), "Range", "bytes=0-99");
        upstream.inject(digest, Fault.cutAfter(1000), 1);
        client.attemptGet(blobUri());

        assertEquals(10_000 + 100 + 1000, upstream.blobBytesSent(REPO, digest));
    }

    @Test
    void holdsAnswersAtAGateUntilLetThrough() throws Exception {
        Fault.Gate gate = Fault.holdAfter(10);
        upstream.inject(digest, gate);

        CompletableFuture<HttpResponse<byte[]>> first = client.getAsync(blobUri());
        CompletableFuture<HttpResponse<byte[]>> second = client.getAsync(blobUri());
        assertTrue(gate.awaitHeld(2, Duration.ofSeconds(30)));
        assertFalse(first.isDone() || second.isDone());
        gate.pass(1);
        CompletableFuture.anyOf(first, second).get(30, TimeUnit.SECONDS);
        assertFalse(first.isDone() && second.isDone(), "one pass lets one answer through");
        gate.open();

        assertArrayEquals(blob, first.get(30, TimeUnit.SECONDS).body());
        assertArrayEquals(blob, second.get(30, TimeUnit.SECONDS).body());
    }

    @Test
    void redirectsBlobGetsToASignedUrlThatWorksOnce() {
        try (BlobStorageHost storage = BlobStorageHost.start()) {
            upstream.redirectBlobsTo(storage);

            HttpResponse<byte[]> redirect = client.get(blobUri(), "Range", "bytes=0-99");
            assertEquals(307, redirect.statusCode());
            URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            assertEquals(storage.endpoint().getPort(), location.getPort());

            HttpResponse<byte[]> fromStorage = client.get(location, "Range", "bytes=0-99");
            assertEquals(206, fromStorage.statusCode());
            assertArrayEquals(Arrays.copyOf(blob, 100), fromStorage.body());
            assertEquals(403, client.get(location, "Range", "bytes=0-99").statusCode(), "a signed URL works once");
            assertEquals(1, storage.refusedUrls());
            assertEquals(200, client.head(blobUri()).statusCode(), "HEAD is answered by the registry");
        }
    }

    @Test
    void refusesTheFirstTokenAfterItsUsesAndNotTheNext() {
        upstream.requireBearerToken();
        upstream.expireFirstTokenAfterUses(1);
        String first = token();
        String second = token();

        assertEquals(200, client.get(blobUri(), "Authorization", "Bearer " + first).statusCode());
        assertEquals(401, client.get(blobUri(), "Authorization", "Bearer " + first).statusCode());
        assertEquals(200, client.get(blobUri(), "Authorization", "Bearer " + second).statusCode());
        assertEquals(200, client.get(blobUri(), "Authorization", "Bearer " + second).statusCode());
        assertEquals(1, upstream.refusedTokens());
    }

    private String token() {
        String body = new String(client.get(upstream.endpoint().resolve("/token?scope=x")).body(),
                java.nio.charset.StandardCharsets.UTF_8);
        return body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }
}
