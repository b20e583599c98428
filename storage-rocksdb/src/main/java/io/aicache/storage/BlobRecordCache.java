package io.aicache.storage;

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

    private final Cache<DigestHashKey, Value> cache;
    private final SharedInstances<String> mediaTypes = new SharedInstances<>(MAX_SHARED_MEDIA_TYPES);

    BlobRecordCache(long maxBytes) {
        this.cache = Caffeine.newBuilder().maximumSize(Math.max(1, maxBytes / ENTRY_BYTES)).build();
    }

    /**
     * The record of {@code digest}, from memory or read through {@code read} (the encoded record
     * for an index key, null when absent).
     */
    BlobRecord get(Digest digest, Function<byte[], byte[]> read) {
        Value value = cache.get(DigestHashKey.of(digest), k -> {
            byte[] encoded = read.apply(RecordCodec.digestKey(digest));
            if (encoded == null) {
                return null;
            }
            BlobRecord record = RecordCodec.decodeBlob(digest, encoded);
            return new Value(record.size(), mediaTypes.shared(record.mediaType()), record.storedAtMillis(), record.encoding(),
                    record.storedSize());
        });
        return value == null ? null
                : new BlobRecord(digest, value.size, value.mediaType, value.storedAtMillis, value.encoding, value.storedSize);
    }

    /** Forgets the record of an index key; call after the write or delete reached RocksDB. */
    void invalidate(byte[] indexKey) {
        cache.invalidate(DigestHashKey.of(indexKey));
    }

    private record Value(long size, String mediaType, long storedAtMillis, BlobRecord.Encoding encoding,
                         long storedSize) {
    }
}
