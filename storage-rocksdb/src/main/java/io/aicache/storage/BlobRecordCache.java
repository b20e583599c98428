package io.aicache.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.aicache.model.Digest;

/**
 * Blob records in memory in front of RocksDB. A RocksDB point read costs a JNI call and a copy
 * (about 2 µs here, whatever the read options); a hit here is a hash lookup, which is what lets
 * the hit path find a blob's record more than a million times a second on one thread.
 *
 * <p>Only present records are kept; a miss always asks RocksDB (its bloom filter answers
 * absent keys quickly). The index invalidates a key after every write or delete of it. That is
 * enough for correctness because a load runs inside the cache's per-key compute: an
 * invalidation waits for a load under way and then removes what it stored, and a load that
 * starts after the write reads the new value.
 */
final class BlobRecordCache {

    /**
     * Heap per entry, measured (181 bytes) with 200,000 sha256 entries: the key, the value,
     * Caffeine's node and the hash table slot (media types are shared).
     */
    static final long ENTRY_BYTES = 184;
    /** Distinct media types shared between entries; registries use a handful. */
    private static final int MAX_SHARED_MEDIA_TYPES = 256;

    private final Cache<Key, Value> cache;
    private final Map<String, String> mediaTypes = new ConcurrentHashMap<>();

    BlobRecordCache(long maxBytes) {
        this.cache = Caffeine.newBuilder().maximumSize(Math.max(1, maxBytes / ENTRY_BYTES)).build();
    }

    /**
     * The record of {@code digest}, from memory or read through {@code read} (the encoded record
     * for an index key, null when absent).
     */
    BlobRecord get(Digest digest, Function<byte[], byte[]> read) {
        Value value = cache.get(Key.of(digest), k -> {
            byte[] encoded = read.apply(RecordCodec.digestKey(digest));
            if (encoded == null) {
                return null;
            }
            BlobRecord record = RecordCodec.decodeBlob(digest, encoded);
            return new Value(record.size(), shared(record.mediaType()), record.storedAtMillis(), record.encoding(),
                    record.storedSize());
        });
        return value == null ? null
                : new BlobRecord(digest, value.size, value.mediaType, value.storedAtMillis, value.encoding, value.storedSize);
    }

    /** Forgets the record of an index key; call after the write or delete reached RocksDB. */
    void invalidate(byte[] indexKey) {
        cache.invalidate(Key.of(indexKey));
    }

    private String shared(String mediaType) {
        String known = mediaTypes.get(mediaType);
        if (known != null) {
            return known;
        }
        if (mediaTypes.size() < MAX_SHARED_MEDIA_TYPES) {
            String previous = mediaTypes.putIfAbsent(mediaType, mediaType);
            return previous == null ? mediaType : previous;
        }
        return mediaType;
    }

    /**
     * A digest's hash as longs, compared by content: one object to reach on a lookup (no array
     * behind it), hashed by its first bits (a digest is already uniformly spread), and far
     * smaller in the heap than a {@link Digest}. sha512 keeps its second half in {@code more}.
     */
    private record Key(long h0, long h1, long h2, long h3, long[] more) {

        static Key of(Digest digest) {
            String hex = digest.hex();
            long[] more = hex.length() > 64 ? new long[] {hexLong(hex, 64), hexLong(hex, 80), hexLong(hex, 96), hexLong(hex, 112)}
                    : null;
            return new Key(hexLong(hex, 0), hexLong(hex, 16), hexLong(hex, 32), hexLong(hex, 48), more);
        }

        /** From an index key: the algorithm's id byte, then the hash. */
        static Key of(byte[] indexKey) {
            ByteBuffer hash = ByteBuffer.wrap(indexKey, 1, indexKey.length - 1);
            long h0 = hash.getLong();
            long h1 = hash.getLong();
            long h2 = hash.getLong();
            long h3 = hash.getLong();
            long[] more = hash.hasRemaining() ? new long[] {hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong()}
                    : null;
            return new Key(h0, h1, h2, h3, more);
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
            return other instanceof Key key && h0 == key.h0 && h1 == key.h1 && h2 == key.h2 && h3 == key.h3
                    && Arrays.equals(more, key.more);
        }

        @Override
        public int hashCode() {
            return (int) (h0 ^ h0 >>> 32);
        }
    }

    private record Value(long size, String mediaType, long storedAtMillis, BlobRecord.Encoding encoding,
                         long storedSize) {
    }
}
