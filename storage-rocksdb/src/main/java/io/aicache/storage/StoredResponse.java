package io.aicache.storage;

/**
 * A small upstream answer kept whole in the index (for example a referrers list), with
 * the time it was fetched so the caller can decide when it is stale.
 */
public record StoredResponse(String contentType, byte[] body, long fetchedAtMillis) {
    public StoredResponse {
        if (contentType == null || body == null) {
            throw new IllegalArgumentException("stored response needs a content type and a body");
        }
    }
}
