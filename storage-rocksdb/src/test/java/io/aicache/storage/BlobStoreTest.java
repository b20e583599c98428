package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

    private static final long INDEX_CACHE = 8 << 20;

    @TempDir
    Path dataDir;

    @Test
    void committedFillBecomesAReadableBlob() throws IOException {
        byte[] bytes = "hello layer".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(bytes);
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            PartialBlob partial = store.beginFill(digest, bytes.length, 64 * 1024);
            partial.write(ByteBuffer.wrap(bytes, 6, 5), 6);
            partial.write(ByteBuffer.wrap(bytes, 0, 6), 0);
            assertTrue(store.find(digest).isEmpty(), "a partial fill is not a blob");

            store.commit(partial, bytes.length, "application/octet-stream");

            StoredBlob blob = store.find(digest).orElseThrow();
            assertArrayEquals(bytes, Files.readAllBytes(blob.file()));
            assertEquals(0, countFiles(dataDir.resolve("partial")));
        }
    }

    @Test
    void abandonedFillLeavesNothing() throws IOException {
        Digest digest = Digest.sha256Of(new byte[] {1});
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            PartialBlob partial = store.beginFill(digest, 10, 64 * 1024);
            partial.write(ByteBuffer.wrap(new byte[5]), 0);
            store.abandon(partial);
            assertTrue(store.find(digest).isEmpty());
            assertEquals(0, countFiles(dataDir.resolve("partial")));
        }
    }

    @Test
    void blobWhoseFileVanishedIsForgottenSoItIsFetchedAgain() throws IOException {
        byte[] bytes = "manifest".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(bytes);
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            store.putSmall(digest, bytes, "application/vnd.oci.image.manifest.v1+json");
            Files.delete(store.find(digest).orElseThrow().file());

            assertTrue(store.find(digest).isEmpty());
            assertTrue(store.index().blob(digest).isEmpty(), "the index entry went with the file");
        }
    }

    @Test
    void restartKeepsBlobsAndUnfinishedFillsToResume() throws IOException {
        byte[] bytes = "kept".getBytes(StandardCharsets.UTF_8);
        Digest kept = Digest.sha256Of(bytes);
        Digest unfinished = Digest.sha256Of(new byte[] {2});
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            store.putSmall(kept, bytes, "application/octet-stream");
            PartialBlob partial = store.beginFill(unfinished, 200 * 1024, 64 * 1024);
            partial.write(ByteBuffer.wrap(new byte[64 * 1024]), 64 * 1024);
            partial.markChunkLanded(1);
            partial.close();
        }
        Files.writeString(dataDir.resolve("partial").resolve("orphan"), "left by a crash");

        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            assertArrayEquals(bytes, store.readSmall(store.find(kept).orElseThrow()).orElseThrow());
            assertTrue(store.find(unfinished).isEmpty(), "a partial fill is never a blob");
            assertEquals(1, countFiles(dataDir.resolve("partial")), "the orphan went, the fill stayed");

            PartialBlob resumed = store.resumeFill(unfinished, 64 * 1024).orElseThrow();
            assertEquals(200 * 1024, resumed.size());
            assertEquals(java.util.BitSet.valueOf(new long[] {0b10}), resumed.landedChunks());
            resumed.close();
        }
    }

    @Test
    void fillPlannedWithAnotherChunkSizeIsDroppedNotResumed() throws IOException {
        Digest digest = Digest.sha256Of(new byte[] {3});
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            store.beginFill(digest, 200 * 1024, 64 * 1024).close();
        }
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            assertTrue(store.resumeFill(digest, 128 * 1024).isEmpty());
            assertTrue(store.index().fill(digest).isEmpty());
            assertEquals(0, countFiles(dataDir.resolve("partial")));
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
