package io.aicache.storage;

/**
 * What aicache knows of a chart repository's {@code index.yaml}: upstream's validators for
 * revalidation, when upstream last confirmed it, and the kept (rewritten, compressed) copy.
 *
 * @param etag              upstream's {@code ETag}, or empty
 * @param lastModified      upstream's {@code Last-Modified}, or empty
 * @param validatedAtMillis when upstream last confirmed the index; the TTL counts from here
 * @param contentSha256     hex sha256 of the rewritten index as served (the ETag aicache gives clients)
 * @param size              bytes of the rewritten index as served
 */
public record HelmIndexRecord(String etag, String lastModified, long validatedAtMillis, String contentSha256, long size) {

    public HelmIndexRecord {
        if (etag == null || lastModified == null || contentSha256 == null || size < 0) {
            throw new IllegalArgumentException("helm index record needs validators (may be empty), a hash and a size");
        }
    }

    public HelmIndexRecord revalidatedAt(long millis) {
        return new HelmIndexRecord(etag, lastModified, millis, contentSha256, size);
    }
}
