package io.aicache.upstream;

/**
 * The bytes of a blob a fill asks upstream for.
 *
 * @param first the first byte's offset
 * @param last  the last byte's offset (inclusive), or {@link #TO_THE_END}
 */
public record BlobRange(long first, long last) {

    public static final long TO_THE_END = -1;

    public BlobRange {
        if (first < 0 || (last != TO_THE_END && last < first)) {
            throw new IllegalArgumentException("invalid blob range " + first + "-" + last);
        }
    }

    /** From {@code first} to the blob's end, however long it is. */
    public static BlobRange from(long first) {
        return new BlobRange(first, TO_THE_END);
    }

    /** The {@code Range} header that asks for it. */
    String header() {
        return last == TO_THE_END ? "bytes=" + first + "-" : "bytes=" + first + "-" + last;
    }
}
