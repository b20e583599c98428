package io.aicache.storage;

import io.aicache.model.Digest;

/**
 * One distinct body a file URL has served: kept by digest, numbered from 1 in the order first seen.
 *
 * @param number          1 for the first body the URL served, 2 for the next distinct one...
 * @param digest          the body's sha256 (its bytes are a blob of the blob store)
 * @param size            the body's length in bytes
 * @param contentType     upstream's {@code Content-Type}, or empty
 * @param firstSeenMillis when upstream first served this body for the URL
 * @param lastSeenMillis  when upstream last served or confirmed it (a 304 counts)
 * @param pinned          kept by garbage collection however many versions came after it
 */
public record FileVersion(int number, Digest digest, long size, String contentType, long firstSeenMillis,
                          long lastSeenMillis, boolean pinned) {

    public FileVersion {
        if (number < 1 || digest == null || size < 0 || contentType == null) {
            throw new IllegalArgumentException("a file version needs a number from 1, a digest, a size and a content type");
        }
    }

    FileVersion seenAt(long millis) {
        return new FileVersion(number, digest, size, contentType, firstSeenMillis, Math.max(lastSeenMillis, millis), pinned);
    }

    FileVersion withPinned(boolean pin) {
        return new FileVersion(number, digest, size, contentType, firstSeenMillis, lastSeenMillis, pin);
    }
}
