package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class CacheIndexTest {

    private static final Digest DIGEST = Digest.sha256Of("layer".getBytes(StandardCharsets.UTF_8));
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    @TempDir
    Path directory;

    /** Records what it was handed, and tunes one family to show its changes reach RocksDB. */
    private static final class RecordingSetter implements RocksDbOptionsSetter {
        final List<String> families = new ArrayList<>();
        int databases;
        boolean closed;

        @Override
        public void setDbOptions(DBOptions options) {
            databases++;
            options.setMaxOpenFiles(64);
        }

        @Override
        public void setOptions(String columnFamily, ColumnFamilyOptions options) {
            families.add(columnFamily);
            if (columnFamily.equals("access")) {
                options.setWriteBufferSize(1L << 20);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void anOptionsSetterTunesTheDatabaseAndEveryFamilyAfterTheDefaults() {
        RecordingSetter setter = new RecordingSetter();
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20, setter)) {
            index.putBlob(new BlobRecord(DIGEST, 10, LAYER, 1));
            assertEquals(List.of("default", "blobs", "tags", "fills", "responses", "access", "helm"), setter.families);
            assertEquals(1, setter.databases);
            assertFalse(setter.closed);
        }
        assertTrue(setter.closed, "the setter is closed with the index");
        try (CacheIndex reopened = CacheIndex.open(directory, 8 << 20)) {
            assertEquals(10, reopened.blob(DIGEST).orElseThrow().size(), "a tuned index reopens with the defaults");
        }
    }

    @Test
    void aRecordReadBeforeAWriteIsNotServedAfterIt() {
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            index.putBlob(new BlobRecord(DIGEST, 10, LAYER, 1));
            assertEquals(10, index.blob(DIGEST).orElseThrow().size());

            index.putBlob(new BlobRecord(DIGEST, 20, LAYER, 2));
            assertEquals(new BlobRecord(DIGEST, 20, LAYER, 2), index.blob(DIGEST).orElseThrow());

            index.deleteBlob(DIGEST);
            assertTrue(index.blob(DIGEST).isEmpty());
        }
    }

    @Test
    void walksEveryBlobWithItsRecordedUse() {
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            digests.add(Digest.sha256Of(("blob-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            Map<Digest, AccessRecord> uses = new HashMap<>();
            for (int i = 0; i < digests.size(); i++) {
                if (i % 2 == 0) {
                    index.putBlob(new BlobRecord(digests.get(i), i, LAYER, i));
                }
                if (i % 3 == 0) {
                    uses.put(digests.get(i), new AccessRecord(1000 + i, i));
                }
            }
            index.putAccesses(uses);

            Map<Digest, AccessRecord> walked = new HashMap<>();
            List<Digest> blobs = new ArrayList<>();
            index.forEachBlobWithAccess((blob, use) -> {
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
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int seed = w;
                done.add(writers.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    for (int op = 0; op < 150; op++) {
                        Digest digest = digests.get(random.nextInt(digests.size()));
                        if (random.nextInt(3) == 0) {
                            index.deleteBlob(digest);
                        } else {
                            index.putBlob(new BlobRecord(digest, random.nextInt(1 << 20), LAYER, op));
                        }
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get(60, TimeUnit.SECONDS);
            }
            assertEquals(walkedBytes(index), index.blobBytes());
        } finally {
            writers.shutdownNow();
        }
        try (CacheIndex reopened = CacheIndex.open(directory, 8 << 20)) {
            assertTrue(reopened.blobBytes() > 0);
            assertEquals(walkedBytes(reopened), reopened.blobBytes());
        }
    }

    private static long walkedBytes(CacheIndex index) {
        long[] sum = {0};
        index.forEachBlob(blob -> sum[0] += blob.size());
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
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            List<Future<Long>> reads = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                reads.add(readers.submit(() -> {
                    long checked = 0;
                    while (writing.get()) {
                        long putBefore = lastPut.get();
                        long atLeast = Math.max(putBefore, lastDeleted.get() + 1);
                        var record = index.blob(DIGEST);
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
                index.putBlob(new BlobRecord(DIGEST, size, LAYER, size));
                lastPut.set(size);
                deleteStarted.set(size);
                index.deleteBlob(DIGEST);
                lastDeleted.set(size);
            }
            writing.set(false);
            for (Future<Long> read : reads) {
                assertTrue(read.get(60, TimeUnit.SECONDS) > 0);
            }
            index.putBlob(new BlobRecord(DIGEST, writes + 1, LAYER, 0));
            assertEquals(writes + 1, index.blob(DIGEST).orElseThrow().size());
        } finally {
            readers.shutdownNow();
        }
    }
}
