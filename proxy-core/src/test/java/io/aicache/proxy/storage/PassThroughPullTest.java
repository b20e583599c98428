package io.aicache.proxy.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.FillAssertions;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * When the data directory's disk is short of storage.minFreeSpace (set above any real disk's
 * size here, so the real free-space check says short), misses are served from upstream without
 * being kept, still checked against their digest, and readiness and the metrics say so.
 */
class PassThroughPullTest {

    private static final String REPO = "org/app";
    private static final String MORE_THAN_ANY_DISK = "4000000TiB";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private RunningAicache aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
            .set("storage.minFreeSpace", MORE_THAN_ANY_DISK)
            .start();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    private URI blobUri(String digest) {
        return aicache.uri("/v2/" + REPO + "/blobs/" + digest);
    }

    @Test
    void missesAreServedButNotKeptWhileTheDiskIsShortOfRoom() throws Exception {
        byte[] blob = TestBlobs.random(700_000, 21);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> whole = client.get(blobUri(digest));
        assertEquals(200, whole.statusCode());
        assertEquals(Long.toString(blob.length), whole.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(blob, whole.body());
        HttpResponse<byte[]> ranged = client.get(blobUri(digest), "Range", "bytes=100000-199999");
        assertEquals(206, ranged.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, 100_000, 200_000), ranged.body());

        FillAssertions.assertNothingKept(aicache, digest);
        assertEquals(2, upstream.blobRequests("GET", REPO, digest), "nothing kept: each pull goes upstream");
        assertEquals(1.0, aicache.metric("aicache_storage_pass_through"));
        assertEquals(2.0, aicache.metric("aicache_storage_pass_through_pulls_total"));
        HttpResponse<byte[]> ready = client.get(aicache.uri("/readyz"));
        assertEquals(200, ready.statusCode(), "aicache still serves");
        assertTrue(new String(ready.body(), StandardCharsets.UTF_8).contains("pass-through"));

        aicache.restartWith("storage.minFreeSpace", "0");
        assertArrayEquals(blob, client.get(blobUri(digest)).body());
        FillAssertions.assertKept(aicache, digest, blob);
        assertEquals(0.0, aicache.metric("aicache_storage_pass_through"));
    }

    @Test
    void corruptBytesFromUpstreamNeverMakeACompleteAnswer() {
        byte[] blob = TestBlobs.random(300_000, 22);
        String digest = upstream.addBlob(REPO, blob);
        upstream.injectOnce(digest, Fault.corrupt());

        FillAssertions.assertNoCompleteBody(client.attemptGet(blobUri(digest)), blob.length);
        assertFalse(Files.exists(aicache.blobFile(digest)));

        assertArrayEquals(blob, client.get(blobUri(digest)).body());
    }
}
