package io.aicache.storage;

import io.aicache.model.Digest;

/**
 * The manifest a tag pointed at when aicache last asked upstream.
 *
 * @param validatedAtMillis when upstream last confirmed the tag; the TTL counts from here
 */
public record TagRecord(Digest digest, String mediaType, long size, long validatedAtMillis) {
    public TagRecord {
        if (digest == null || mediaType == null) {
            throw new IllegalArgumentException("tag record needs a digest and a media type");
        }
    }

    public TagRecord revalidatedAt(long millis) {
        return new TagRecord(digest, mediaType, size, millis);
    }
}
