package io.aicache.proxy.fill;

/**
 * A blob cut into fixed-size chunks, each fetched with its own range GET. When upstream takes no
 * ranges the blob is one chunk of its whole size; when it gives no size either, one chunk that
 * ends where upstream's body ends.
 *
 * @param size      the blob's size, or -1 when unknown
 * @param chunkSize the size of every chunk but the last
 */
record RangePlan(long size, long chunkSize) {

    RangePlan {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
    }

    /** The whole blob as one chunk. */
    static RangePlan singleStream(long size) {
        return new RangePlan(size, size > 0 ? size : Long.MAX_VALUE);
    }

    boolean sizeKnown() {
        return size >= 0;
    }

    int chunkCount() {
        return sizeKnown() ? (int) Math.max(1, (size + chunkSize - 1) / chunkSize) : 1;
    }

    long start(int chunk) {
        return chunk * chunkSize;
    }

    /** Exclusive end of {@code chunk}, or -1 when the size is unknown. */
    long end(int chunk) {
        return sizeKnown() ? Math.min(size, start(chunk) + chunkSize) : -1;
    }
}
