package io.aicache.storage;

/**
 * What aicache knows of one file URL now: the version it serves and what revalidates it upstream.
 *
 * @param current           the number of the {@link FileVersion} the URL serves
 * @param etag              upstream's {@code ETag} for it, or empty
 * @param lastModified      upstream's {@code Last-Modified} for it, or empty
 * @param validatedAtMillis when upstream last served or confirmed it: its TTL counts from here
 */
public record FileUrlRecord(int current, String etag, String lastModified, long validatedAtMillis) {

    public FileUrlRecord {
        if (current < 1 || etag == null || lastModified == null) {
            throw new IllegalArgumentException("a file URL record needs a current version from 1 and its validators");
        }
    }
}
