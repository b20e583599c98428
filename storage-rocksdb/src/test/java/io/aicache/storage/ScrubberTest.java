package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class ScrubberTest {

    @TempDir
    Path dataDir;

    @Test
    void dropsBlobsWhoseFilesAreCorruptOrMissingAndKeepsTheRest() throws IOException {
        try (BlobStore store = BlobStore.open(dataDir, 8 << 20)) {
            Digest intact = putLayer(store, 3 << 20, 1);
            Digest corrupt = putLayer(store, 3 << 20, 2);
            Digest missing = putLayer(store, 100_000, 3);
            byte[] config = "{\"os\":\"linux\"}".repeat(200).getBytes(StandardCharsets.UTF_8);
            Digest compressedCorrupt = Digest.sha256Of(config);
            store.putSmall(compressedCorrupt, config, "application/vnd.oci.image.config.v1+json");
            flipOneByte(store.blobPath(corrupt), 2 << 20);
            flipOneByte(store.blobPath(compressedCorrupt), 10);
            Files.delete(store.blobPath(missing));

            Scrubber scrubber = new Scrubber(store, 1 << 20);
            for (int tick = 0; tick < 20; tick++) {
                scrubber.tick();
            }

            assertTrue(store.blobs().get(intact).isPresent());
            assertFalse(store.blobs().get(corrupt).isPresent(), "a corrupt blob becomes a miss");
            assertFalse(Files.exists(store.blobPath(corrupt)));
            assertFalse(store.blobs().get(missing).isPresent(), "a vanished file becomes a miss");
            assertFalse(store.blobs().get(compressedCorrupt).isPresent());
            assertEquals(3, scrubber.dropped());
            assertEquals(3 << 20, store.usage().usedBytes(), "only the intact blob is counted");
            assertTrue(scrubber.scrubbedBytes() >= 6L << 20, "both large blobs were read: " + scrubber.scrubbedBytes());
        }
    }

    private static Digest putLayer(BlobStore store, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Digest digest = Digest.sha256Of(bytes);
        PartialBlob partial = store.beginFill(digest, size, 1 << 20);
        partial.write(ByteBuffer.wrap(bytes), 0);
        store.commit(partial, size, "application/octet-stream");
        return digest;
    }

    private static void flipOneByte(Path file, long at) throws IOException {
        try (var channel = Files.newByteChannel(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.position(at).read(one);
            one.put(0, (byte) (one.get(0) ^ 0xFF)).rewind();
            channel.position(at).write(one);
        }
    }
}
