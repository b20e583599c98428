package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;

import org.junit.jupiter.api.Test;

import io.aicache.model.Digest;

class RecordCodecTest {

    private static final Digest DIGEST = Digest.sha256Of("layer".getBytes(StandardCharsets.UTF_8));

    @Test
    void digestKeysAreCompactAndReversible() {
        byte[] key = RecordCodec.digestKey(DIGEST);
        assertEquals(33, key.length);
        assertEquals(DIGEST, RecordCodec.digestFromKey(key));
    }

    @Test
    void roundTripsEveryRecordKind() {
        BlobRecord blob = new BlobRecord(DIGEST, 1L << 33, "application/vnd.oci.image.manifest.v1+json", 1234L);
        assertEquals(blob, RecordCodec.decodeBlob(DIGEST, RecordCodec.encodeBlob(blob)));

        TagRecord tag = new TagRecord(DIGEST, "application/vnd.oci.image.index.v1+json", 512, 99L);
        assertEquals(tag, RecordCodec.decodeTag(RecordCodec.encodeTag(tag)));

        StoredResponse response = new StoredResponse("application/json", "{}".getBytes(StandardCharsets.UTF_8), 7L);
        StoredResponse decoded = RecordCodec.decodeResponse(RecordCodec.encodeResponse(response));
        assertEquals(response.contentType(), decoded.contentType());
        assertArrayEquals(response.body(), decoded.body());
        assertEquals(response.fetchedAtMillis(), decoded.fetchedAtMillis());

        BitSet chunks = new BitSet();
        chunks.set(0);
        chunks.set(5);
        FillRecord fill = new FillRecord(DIGEST, 100L << 20, 8 << 20, chunks);
        FillRecord decodedFill = RecordCodec.decodeFill(DIGEST, RecordCodec.encodeFill(fill));
        assertEquals(fill.size(), decodedFill.size());
        assertEquals(fill.chunkSize(), decodedFill.chunkSize());
        assertEquals(chunks, decodedFill.landedChunks());
        assertEquals(13, decodedFill.chunkCount());
    }

    @Test
    void blobRecordsSayHowTheirFileHoldsThem() {
        BlobRecord compressed = new BlobRecord(DIGEST, 5000, "application/vnd.oci.image.config.v1+json", 9L,
                BlobRecord.Encoding.LZ4, 1200);
        assertEquals(compressed, RecordCodec.decodeBlob(DIGEST, RecordCodec.encodeBlob(compressed)));
    }

    @Test
    void readsVersionOneBlobRecordsAsStoredAsIs() {
        byte[] mediaType = "application/octet-stream".getBytes(StandardCharsets.UTF_8);
        byte[] version1 = java.nio.ByteBuffer.allocate(1 + 8 + 8 + 2 + mediaType.length)
                .put((byte) 1).putLong(42).putLong(7).putShort((short) mediaType.length).put(mediaType).array();
        assertEquals(new BlobRecord(DIGEST, 42, "application/octet-stream", 7), RecordCodec.decodeBlob(DIGEST, version1));
    }

    @Test
    void refusesRecordsOfAnUnknownVersion() {
        byte[] encoded = RecordCodec.encodeBlob(new BlobRecord(DIGEST, 1, "application/octet-stream", 0));
        encoded[0] = 99;
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decodeBlob(DIGEST, encoded));
    }
}
