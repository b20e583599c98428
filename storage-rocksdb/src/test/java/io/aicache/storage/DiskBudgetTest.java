package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class DiskBudgetTest {

    private static final int BLOB = 1000;

    @TempDir
    Path dataDir;

    @Test
    void evictsLeastRecentlyUsedBlobsDownToTheLowWatermark() {
        try (BlobStore store = BlobStore.open(dataDir, 8 << 20, Runnable::run, new DiskBudget(10 * BLOB, 0.9, 0.5))) {
            List<Digest> kept = putBlobs(store, 9);
            store.accesses().touched(kept.get(0));
            store.accesses().touched(kept.get(1));

            putBlobs(store, 1, 100);

            assertTrue(store.usage().usedBytes() <= 5 * BLOB, "down to the low watermark: " + store.usage());
            assertTrue(store.find(kept.get(0)).isPresent(), "recently used blobs stay");
            assertTrue(store.find(kept.get(1)).isPresent(), "recently used blobs stay");
            assertTrue(store.find(kept.get(2)).isEmpty(), "the least recently used go first");
            assertTrue(store.evictions() >= 5);
        }
    }

    @Test
    void neverEvictsRetainedOrLeasedBlobs() {
        try (BlobStore store = BlobStore.open(dataDir, 8 << 20, Runnable::run, new DiskBudget(10 * BLOB, 0.9, 0.3))) {
            List<Digest> blobs = putBlobs(store, 9);
            Digest pinned = blobs.get(0);
            store.retain(() -> pinned::equals);
            try (BlobStore.Lease reading = store.lease(blobs.get(1))) {
                putBlobs(store, 3, 100);

                assertTrue(store.find(pinned).isPresent(), "pinned");
                assertTrue(store.find(blobs.get(1)).isPresent(), "being read");
                assertTrue(store.find(blobs.get(2)).isEmpty());
            }
        }
    }

    @Test
    void fillMakesRoomBeforeItStartsSoTheBudgetHolds() throws Exception {
        try (BlobStore store = BlobStore.open(dataDir, 8 << 20, Runnable::run, new DiskBudget(10 * BLOB, 0.9, 0.8))) {
            putBlobs(store, 8);
            Digest big = Digest.sha256Of(new byte[4 * BLOB]);

            PartialBlob partial = store.beginFill(big, 4 * BLOB, 64 * 1024);

            BlobStore.Usage usage = store.usage();
            assertEquals(4 * BLOB, usage.reservedBytes());
            assertTrue(usage.usedBytes() + usage.reservedBytes() <= 10 * BLOB, "room was made first: " + usage);
            partial.write(ByteBuffer.wrap(new byte[4 * BLOB]), 0);
            store.commit(partial, 4 * BLOB, "application/octet-stream");
            assertEquals(0, store.usage().reservedBytes());
            assertTrue(store.usage().usedBytes() <= 10 * BLOB);
        }
    }

    @Test
    void usageIsCountedAgainAtStartUp() {
        try (BlobStore store = BlobStore.open(dataDir, 8 << 20)) {
            putBlobs(store, 3);
        }
        try (BlobStore store = BlobStore.open(dataDir, 8 << 20)) {
            assertEquals(3 * BLOB, store.usage().usedBytes());
        }
    }

    private static List<Digest> putBlobs(BlobStore store, int count) {
        return putBlobs(store, count, 0);
    }

    private static List<Digest> putBlobs(BlobStore store, int count, int seed) {
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Random bytes: stored as they are, so each costs exactly BLOB on disk.
            byte[] bytes = new byte[BLOB];
            new java.util.Random(seed * 1000L + i).nextBytes(bytes);
            Digest digest = Digest.sha256Of(bytes);
            store.putSmall(digest, bytes, "application/octet-stream");
            digests.add(digest);
        }
        return digests;
    }
}
