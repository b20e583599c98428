package io.aicache.proxy.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.FillAssertions;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** The background scrub finds a kept blob damaged on disk; the next pull fetches it again, right. */
class ScrubPullTest {

    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private final RunningAicache aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
            .set("storage.scrub.bytesPerSecond", "64MiB")
            .start();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    @Test
    void corruptFileOnDiskBecomesAMissAndIsFetchedAgain() throws IOException {
        byte[] blob = TestBlobs.random(2 << 20, 31);
        String digest = upstream.addBlob(REPO, blob);
        URI uri = aicache.uri("/v2/" + REPO + "/blobs/" + digest);
        assertArrayEquals(blob, client.get(uri).body());
        FillAssertions.assertKept(aicache, digest, blob);

        corruptOneByte(aicache.blobFile(digest), 1 << 20);

        Eventually.until("the scrub drops the damaged blob", () -> aicache.metric("aicache_storage_scrub_dropped") == 1.0);
        assertArrayEquals(blob, client.get(uri).body());
        assertEquals(2, upstream.blobRequests("GET", REPO, digest), "fetched again after the scrub dropped it");
        FillAssertions.assertKept(aicache, digest, blob);
    }

    private static void corruptOneByte(Path file, long at) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x5A}), at);
        }
    }
}
