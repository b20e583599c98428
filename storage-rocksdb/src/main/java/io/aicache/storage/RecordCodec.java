package io.aicache.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.aicache.model.Digest;

/**
 * Compact, versioned binary encodings of the index's keys and records.
 *
 * <p>Every value starts with a format version byte so later releases can read what
 * earlier ones wrote. Digest keys are the algorithm's id byte followed by the raw hash
 * (33 bytes for sha256 rather than 71 as text).
 */
public final class RecordCodec {

    static final byte VERSION_1 = 1;
    /** Blob records with their encoding and stored size; version 1 blobs are stored as is. */
    static final byte VERSION_2 = 2;
    private static final byte SHA256_ID = 1;
    private static final byte SHA512_ID = 2;

    private RecordCodec() {
    }

    /** On the hit path: one allocation, no parser objects (the hex was validated by {@link Digest}). */
    public static byte[] digestKey(Digest digest) {
        String hex = digest.hex();
        byte[] key = new byte[hex.length() / 2 + 1];
        key[0] = digest.algorithm().equals("sha256") ? SHA256_ID : SHA512_ID;
        for (int i = 1, c = 0; i < key.length; i++, c += 2) {
            key[i] = (byte) (Character.digit(hex.charAt(c), 16) << 4 | Character.digit(hex.charAt(c + 1), 16));
        }
        return key;
    }

    /** How many bytes of {@code key} the digest key at its start takes, from the algorithm's id byte. */
    static int digestKeyLength(byte[] key) {
        return switch (key[0]) {
            case SHA256_ID -> 1 + 32;
            case SHA512_ID -> 1 + 64;
            default -> throw new IllegalArgumentException("unknown digest id " + key[0]);
        };
    }

    public static Digest digestFromKey(byte[] key) {
        String algorithm = switch (key[0]) {
            case SHA256_ID -> "sha256";
            case SHA512_ID -> "sha512";
            default -> throw new IllegalArgumentException("unknown digest id " + key[0]);
        };
        return new Digest(algorithm, HexFormat.of().formatHex(key, 1, key.length));
    }

    public static byte[] encodeBlob(BlobRecord blob) {
        byte[] mediaType = utf8(blob.mediaType());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 1 + 8 + 2 + mediaType.length);
        out.put(VERSION_2).putLong(blob.size()).putLong(blob.storedAtMillis())
                .put((byte) blob.encoding().ordinal()).putLong(blob.storedSize());
        putShortString(out, mediaType);
        return out.array();
    }

    public static BlobRecord decodeBlob(Digest digest, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte version = in.get();
        if (version != VERSION_1 && version != VERSION_2) {
            throw new IllegalArgumentException("unknown blob record format version " + version);
        }
        long size = in.getLong();
        long storedAt = in.getLong();
        if (version == VERSION_1) {
            return new BlobRecord(digest, size, getShortString(in), storedAt);
        }
        BlobRecord.Encoding encoding = encodingOf(in.get());
        long storedSize = in.getLong();
        return new BlobRecord(digest, size, getShortString(in), storedAt, encoding, storedSize);
    }

    private static BlobRecord.Encoding encodingOf(byte id) {
        BlobRecord.Encoding[] known = BlobRecord.Encoding.values();
        if (id < 0 || id >= known.length) {
            throw new IllegalArgumentException("unknown blob encoding " + id);
        }
        return known[id];
    }

    public static byte[] encodeTag(TagRecord tag) {
        byte[] digest = digestKey(tag.digest());
        byte[] mediaType = utf8(tag.mediaType());
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + digest.length + 8 + 8 + 2 + mediaType.length);
        out.put(VERSION_1).put((byte) digest.length).put(digest).putLong(tag.size()).putLong(tag.validatedAtMillis());
        putShortString(out, mediaType);
        return out.array();
    }

    public static TagRecord decodeTag(byte[] value) {
        ByteBuffer in = versioned(value);
        byte[] digest = new byte[in.get()];
        in.get(digest);
        long size = in.getLong();
        long validatedAt = in.getLong();
        return new TagRecord(digestFromKey(digest), getShortString(in), size, validatedAt);
    }

    public static byte[] encodeResponse(StoredResponse response) {
        byte[] contentType = utf8(response.contentType());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 2 + contentType.length + response.body().length);
        out.put(VERSION_1).putLong(response.fetchedAtMillis());
        putShortString(out, contentType);
        out.put(response.body());
        return out.array();
    }

    public static StoredResponse decodeResponse(byte[] value) {
        ByteBuffer in = versioned(value);
        long fetchedAt = in.getLong();
        String contentType = getShortString(in);
        byte[] body = new byte[in.remaining()];
        in.get(body);
        return new StoredResponse(contentType, body, fetchedAt);
    }

    public static byte[] encodeFill(FillRecord fill) {
        byte[] chunks = fill.landedChunks().toByteArray();
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 4 + chunks.length);
        out.put(VERSION_1).putLong(fill.size()).putInt(fill.chunkSize()).putInt(chunks.length).put(chunks);
        return out.array();
    }

    public static FillRecord decodeFill(Digest digest, byte[] value) {
        ByteBuffer in = versioned(value);
        long size = in.getLong();
        int chunkSize = in.getInt();
        byte[] chunks = new byte[in.getInt()];
        in.get(chunks);
        return new FillRecord(digest, size, chunkSize, java.util.BitSet.valueOf(chunks));
    }

    public static byte[] encodeAccess(AccessRecord access) {
        return ByteBuffer.allocate(1 + 8 + 8).put(VERSION_1).putLong(access.lastAccessMillis()).putLong(access.hits()).array();
    }

    public static AccessRecord decodeAccess(byte[] value) {
        ByteBuffer in = versioned(value);
        return new AccessRecord(in.getLong(), in.getLong());
    }

    private static ByteBuffer versioned(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte version = in.get();
        if (version != VERSION_1) {
            throw new IllegalArgumentException("unknown record format version " + version);
        }
        return in;
    }

    private static byte[] utf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("string too long for a record: " + bytes.length + " bytes");
        }
        return bytes;
    }

    private static void putShortString(ByteBuffer out, byte[] bytes) {
        out.putShort((short) bytes.length).put(bytes);
    }

    private static String getShortString(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
