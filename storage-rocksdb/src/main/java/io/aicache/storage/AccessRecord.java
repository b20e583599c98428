package io.aicache.storage;

/**
 * How recently and how often a blob was served: what eviction ranks by.
 *
 * @param hits uses counted so far (a layer shared by many images gains from every one of them)
 */
public record AccessRecord(long lastAccessMillis, long hits) {

    /** This record with {@code more} uses, the last at {@code atMillis}. */
    public AccessRecord plus(long more, long atMillis) {
        return new AccessRecord(Math.max(lastAccessMillis, atMillis), hits + more);
    }
}
