package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

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
            assertTrue(store.blobs().get(digest).isEmpty(), "the index entry went with the file");
        }
    }

    @Test
    void tellsItsListenerOfEveryBlobItLetsGo() throws IOException {
        byte[] purgedBytes = "purged".getBytes(StandardCharsets.UTF_8);
        byte[] vanishedBytes = "vanished".getBytes(StandardCharsets.UTF_8);
        Digest purged = Digest.sha256Of(purgedBytes);
        Digest vanished = Digest.sha256Of(vanishedBytes);
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            List<Digest> dropped = new CopyOnWriteArrayList<>();
            store.onDropped(dropped::add);
            store.putSmall(purged, purgedBytes, "application/octet-stream");
            store.putSmall(vanished, vanishedBytes, "application/octet-stream");

            assertEquals(BlobStore.Removal.REMOVED, store.remove(purged));
            Files.delete(store.find(vanished).orElseThrow().file());
            assertTrue(store.find(vanished).isEmpty());

            assertEquals(List.of(purged, vanished), dropped);
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
            assertTrue(store.fills().get(digest).isEmpty());
            assertEquals(0, countFiles(dataDir.resolve("partial")));
        }
    }

    @Test
    void compressibleObjectsAreStoredCompressedAndReadBackWhole() throws IOException {
        byte[] manifest = "{\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\"}]}\n"
                .repeat(200).getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(manifest);
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            store.putSmall(digest, manifest, "application/vnd.oci.image.manifest.v1+json");
            StoredBlob blob = store.find(digest).orElseThrow();

            assertEquals(BlobRecord.Encoding.LZ4, blob.record().encoding());
            assertEquals(manifest.length, blob.record().size());
            assertTrue(Files.size(blob.file()) < manifest.length / 5, "the file holds the compressed bytes");
            assertEquals(Files.size(blob.file()), store.usage().usedBytes(), "the budget counts what is on disk");
            assertArrayEquals(manifest, store.readSmall(blob).orElseThrow());
        }
    }

    @Test
    void committedFillThatCompressesWellIsStoredCompressed() throws IOException {
        byte[] tar = "an uncompressed tar layer with repeated content\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(tar);
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            PartialBlob partial = store.beginFill(digest, tar.length, 64 * 1024);
            partial.write(ByteBuffer.wrap(tar), 0);
            store.commit(partial, tar.length, "application/octet-stream");

            StoredBlob blob = store.find(digest).orElseThrow();
            assertTrue(blob.record().compressed());
            assertTrue(Files.size(blob.file()) < tar.length / 5);
            assertArrayEquals(tar, store.readSmall(blob).orElseThrow());
            assertEquals(0, countFiles(dataDir.resolve("partial")));
        }
    }

    @Test
    void incompressibleAndAlreadyCompressedObjectsAreStoredAsTheyAre() throws IOException {
        byte[] random = new byte[100_000];
        new java.util.Random(5).nextBytes(random);
        byte[] gzipped = new byte[100_000];
        gzipped[0] = 0x1f;
        gzipped[1] = (byte) 0x8b;
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            for (byte[] bytes : new byte[][] {random, gzipped}) {
                Digest digest = Digest.sha256Of(bytes);
                store.putSmall(digest, bytes, "application/octet-stream");
                StoredBlob blob = store.find(digest).orElseThrow();
                assertEquals(BlobRecord.Encoding.IDENTITY, blob.record().encoding());
                assertArrayEquals(bytes, Files.readAllBytes(blob.file()));
            }
            byte[] zeros = new byte[100_000];
            Digest layer = Digest.sha256Of(zeros);
            store.putSmall(layer, zeros, "application/vnd.oci.image.layer.v1.tar+zstd");
            assertArrayEquals(zeros, Files.readAllBytes(store.find(layer).orElseThrow().file()),
                    "a layer whose media type says it is compressed is kept as it is");
        }
    }

    @Test
    void damagedCompressedFileIsDroppedSoItIsFetchedAgain() throws IOException {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".repeat(100).getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(config);
        try (BlobStore store = BlobStore.open(dataDir, INDEX_CACHE)) {
            store.putSmall(digest, config, "application/vnd.oci.image.config.v1+json");
            StoredBlob blob = store.find(digest).orElseThrow();
            Files.write(blob.file(), new byte[(int) Files.size(blob.file())]);

            assertTrue(store.readSmall(blob).isEmpty());
            assertTrue(store.blobs().get(digest).isEmpty());
            assertEquals(0, store.usage().usedBytes());
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
