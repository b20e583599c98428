package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** Blobs that compress well are kept LZ4-compressed and served as upstream sent them, ranges too. */
class CompressedBlobPullTest {

    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);
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
    void compressibleBlobIsKeptCompressedAndServedByteExactWholeAndInRanges() throws Exception {
        byte[] blob = "usr/share/doc/aicache/README: an uncompressed layer's file list\n".repeat(5000)
                .getBytes(StandardCharsets.UTF_8);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> rangedMiss = client.get(blobUri(digest), "Range", "bytes=1000-50999");
        assertEquals(206, rangedMiss.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, 1000, 51000), rangedMiss.body());
        assertWhole(blob, client.get(blobUri(digest)));
        Eventually.until("the blob is kept", () -> Files.exists(aicache.blobFile(digest)));
        assertTrue(Files.size(aicache.blobFile(digest)) <= blob.length * 4L / 5,
                "kept compressed: " + Files.size(aicache.blobFile(digest)) + " of " + blob.length + " bytes");
        int upstreamGets = upstream.blobRequests("GET", REPO, digest);

        aicache.restart();
        HttpResponse<byte[]> rangedHit = client.get(blobUri(digest), "Range", "bytes=60000-");
        assertEquals(206, rangedHit.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, 60000, blob.length), rangedHit.body());
        assertWhole(blob, client.get(blobUri(digest)));
        assertEquals(200, client.head(blobUri(digest)).statusCode());
        assertEquals(upstreamGets, upstream.blobRequests("GET", REPO, digest), "hits are served from the kept file");
    }

    @Test
    void incompressibleBlobIsKeptAsItIs() throws IOException {
        byte[] blob = TestBlobs.random(300_000, 11);
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
}
