package io.aicache.storage;

/**
 * What the index knows of one complete, verified blob.
 *
 * @param mediaType the media type upstream gave (manifests need it; layers may carry
 *                  {@code application/octet-stream})
 */
public record BlobRecord(Digest digest, long size, String mediaType, long storedAtMillis) {
    public BlobRecord {
        if (digest == null || mediaType == null) {
            throw new IllegalArgumentException("blob record needs a digest and a media type");
        }
        if (size < 0) {
            throw new IllegalArgumentException("blob size must not be negative: " + size);
        }
    }
}
