package io.aicache.storage;

import io.aicache.model.Digest;

/**
 * What the index knows of one complete, verified blob.
 *
 * @param size       the blob's size, as served
 * @param mediaType  the media type upstream gave (manifests need it; layers may carry
 *                   {@code application/octet-stream})
 * @param encoding   how its file holds it
 * @param storedSize the file's size (what it costs on disk)
 */
public record BlobRecord(Digest digest, long size, String mediaType, long storedAtMillis, Encoding encoding,
                         long storedSize) {

    /** How a blob's bytes sit in its file. */
    public enum Encoding {
        /** As served: the file is sent with zero-copy, ranges and all. */
        IDENTITY,
        /** An LZ4 block, decompressed whole before it is served (only small objects are kept so). */
        LZ4
    }

    public BlobRecord {
        if (digest == null || mediaType == null || encoding == null) {
            throw new IllegalArgumentException("blob record needs a digest, a media type and an encoding");
        }
        if (size < 0 || storedSize < 0) {
            throw new IllegalArgumentException("blob size must not be negative: " + size + ", stored " + storedSize);
        }
        if (encoding == Encoding.IDENTITY && storedSize != size) {
            throw new IllegalArgumentException("a blob stored as is takes its size on disk: " + size + " != " + storedSize);
        }
    }

    /** A blob stored as is. */
    public BlobRecord(Digest digest, long size, String mediaType, long storedAtMillis) {
        this(digest, size, mediaType, storedAtMillis, Encoding.IDENTITY, size);
    }

    public boolean compressed() {
        return encoding != Encoding.IDENTITY;
    }
}
