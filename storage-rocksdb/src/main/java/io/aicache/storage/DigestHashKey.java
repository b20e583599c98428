package io.aicache.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.aicache.model.Digest;

/**
 * A digest's hash as longs, compared by content: one object to reach on a lookup (no array
 * behind it), hashed by its first bits (a digest is already uniformly spread), and far
 * smaller in the heap than a {@link Digest}. sha512 keeps its second half in {@code more}.
 */
record DigestHashKey(long h0, long h1, long h2, long h3, long[] more) {

    static DigestHashKey of(Digest digest) {
        String hex = digest.hex();
        long[] more = hex.length() > 64 ? new long[] {hexLong(hex, 64), hexLong(hex, 80), hexLong(hex, 96), hexLong(hex, 112)}
                : null;
        return new DigestHashKey(hexLong(hex, 0), hexLong(hex, 16), hexLong(hex, 32), hexLong(hex, 48), more);
    }

    /** From an index key: the algorithm's id byte, then the hash. */
    static DigestHashKey of(byte[] indexKey) {
        ByteBuffer hash = ByteBuffer.wrap(indexKey, 1, indexKey.length - 1);
        long h0 = hash.getLong();
        long h1 = hash.getLong();
        long h2 = hash.getLong();
        long h3 = hash.getLong();
        long[] more = hash.hasRemaining() ? new long[] {hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong()}
                : null;
        return new DigestHashKey(h0, h1, h2, h3, more);
    }

    private static long hexLong(String hex, int from) {
        long value = 0;
        for (int i = from; i < from + 16; i++) {
            value = value << 4 | Character.digit(hex.charAt(i), 16);
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DigestHashKey key && h0 == key.h0 && h1 == key.h1 && h2 == key.h2 && h3 == key.h3
                && Arrays.equals(more, key.more);
    }

    @Override
    public int hashCode() {
        return (int) (h0 ^ h0 >>> 32);
    }
}
