package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class BlobIndexTest {

    private static final Digest DIGEST = Digest.sha256Of("layer".getBytes(StandardCharsets.UTF_8));
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    @TempDir
    Path directory;

    @Test
    void aRecordReadBeforeAWriteIsNotServedAfterIt() {
        try (CacheIndex opened = CacheIndex.open(directory, 8 << 20)) {
            BlobIndex index = opened.blobs();
            index.put(new BlobRecord(DIGEST, 10, LAYER, 1));
            assertEquals(10, index.get(DIGEST).orElseThrow().size());

            index.put(new BlobRecord(DIGEST, 20, LAYER, 2));
            assertEquals(new BlobRecord(DIGEST, 20, LAYER, 2), index.get(DIGEST).orElseThrow());

            index.delete(DIGEST);
            assertTrue(index.get(DIGEST).isEmpty());
        }
    }

    @Test
    void walksEveryBlobWithItsRecordedUse() {
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            digests.add(Digest.sha256Of(("blob-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        try (CacheIndex opened = CacheIndex.open(directory, 8 << 20)) {
            BlobIndex index = opened.blobs();
            Map<Digest, AccessRecord> uses = new HashMap<>();
            for (int i = 0; i < digests.size(); i++) {
                if (i % 2 == 0) {
                    index.put(new BlobRecord(digests.get(i), i, LAYER, i));
                }
                if (i % 3 == 0) {
                    uses.put(digests.get(i), new AccessRecord(1000 + i, i));
                }
            }
            index.putAccesses(uses);

            Map<Digest, AccessRecord> walked = new HashMap<>();
            List<Digest> blobs = new ArrayList<>();
            index.forEachWithAccess((blob, use) -> {
                blobs.add(blob.digest());
                if (use != null) {
                    walked.put(blob.digest(), use);
                }
            });

            assertEquals(25, blobs.size());
            for (int i = 0; i < digests.size(); i += 2) {
                assertTrue(blobs.contains(digests.get(i)));
                assertEquals(i % 3 == 0 ? new AccessRecord(1000 + i, i) : null, walked.get(digests.get(i)));
            }
        }
    }

    @Test
    void blobBytesMatchAFullWalkAfterConcurrentWritesAndAReopen() throws Exception {
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            digests.add(Digest.sha256Of(("blob-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try (CacheIndex opened = CacheIndex.open(directory, 8 << 20)) {
            BlobIndex index = opened.blobs();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int seed = w;
                done.add(writers.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    for (int op = 0; op < 150; op++) {
                        Digest digest = digests.get(random.nextInt(digests.size()));
                        if (random.nextInt(3) == 0) {
                            index.delete(digest);
                        } else {
                            index.put(new BlobRecord(digest, random.nextInt(1 << 20), LAYER, op));
                        }
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get(60, TimeUnit.SECONDS);
            }
            assertEquals(walkedBytes(index), index.totalBytes());
        } finally {
            writers.shutdownNow();
        }
        try (CacheIndex opened = CacheIndex.open(directory, 8 << 20)) {
            BlobIndex reopened = opened.blobs();
            assertTrue(reopened.totalBytes() > 0);
            assertEquals(walkedBytes(reopened), reopened.totalBytes());
        }
    }

    private static long walkedBytes(BlobIndex index) {
        long[] sum = {0};
        index.forEach(blob -> sum[0] += blob.size());
        return sum[0];
    }

    /**
     * Writes grow the size each time and a delete follows each write; a reader must never see a
     * record older than the last write or delete that finished before its read began, nor miss
     * one that was written before and not deleted since.
     */
    @Test
    void readersNeverSeeARecordOlderThanTheLastFinishedWrite() throws Exception {
        int writes = 300;
        AtomicLong lastPut = new AtomicLong();
        AtomicLong lastDeleted = new AtomicLong();
        AtomicLong deleteStarted = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(3);
        try (CacheIndex opened = CacheIndex.open(directory, 8 << 20)) {
            BlobIndex index = opened.blobs();
            List<Future<Long>> reads = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                reads.add(readers.submit(() -> {
                    long checked = 0;
                    while (writing.get()) {
                        long putBefore = lastPut.get();
                        long atLeast = Math.max(putBefore, lastDeleted.get() + 1);
                        var record = index.get(DIGEST);
                        if (record.isPresent()) {
                            assertTrue(record.get().size() >= atLeast,
                                    "read size " + record.get().size() + " after size " + (atLeast - 1) + " was replaced");
                        } else {
                            assertTrue(deleteStarted.get() >= putBefore,
                                    "record " + putBefore + ", written before the read began, was missing");
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (long size = 1; size <= writes; size++) {
                index.put(new BlobRecord(DIGEST, size, LAYER, size));
                lastPut.set(size);
                deleteStarted.set(size);
                index.delete(DIGEST);
                lastDeleted.set(size);
            }
            writing.set(false);
            for (Future<Long> read : reads) {
                assertTrue(read.get(60, TimeUnit.SECONDS) > 0);
            }
            index.put(new BlobRecord(DIGEST, writes + 1, LAYER, 0));
            assertEquals(writes + 1, index.get(DIGEST).orElseThrow().size());
        } finally {
            readers.shutdownNow();
        }
    }
}
