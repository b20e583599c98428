package io.aicache.storage;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import io.aicache.model.TagReference;

/**
 * Kept tags ({@code tags}): the manifest each pointed at when upstream last confirmed it, keyed
 * on disk by {@link TagReference#toString()} ({@code registry/repository:tag}).
 */
public final class TagStore {

    /** About 200 bytes each: a few megabytes of heap for the tags clients ask for most. */
    private static final int TAG_RECORDS_IN_MEMORY = 20_000;

    private final Family tags;
    private final WriteOptions syncWrite;
    /**
     * Kept tags in memory in front of RocksDB: every tag request reads one. Loaded inside the
     * cache's per-key compute and invalidated after each write or delete, as blob records are.
     */
    private final Cache<TagReference, TagRecord> records = Caffeine.newBuilder().maximumSize(TAG_RECORDS_IN_MEMORY).build();
    /** How a miss is read: made once, so a lookup allocates no loader of its own. */
    private final Function<TagReference, TagRecord> readRecord;

    TagStore(Family tags, WriteOptions syncWrite) {
        this.tags = tags;
        this.syncWrite = syncWrite;
        this.readRecord = tag -> {
            byte[] value = tags.get(key(tag));
            return value == null ? null : RecordCodec.decodeTag(value);
        };
    }

    public Optional<TagRecord> get(TagReference tag) {
        return Optional.ofNullable(records.get(tag, readRecord));
    }

    public void put(TagReference tag, TagRecord record) {
        tags.put(key(tag), RecordCodec.encodeTag(record), syncWrite);
        records.invalidate(tag);
    }

    public void delete(TagReference tag) {
        tags.delete(key(tag), syncWrite);
        records.invalidate(tag);
    }

    /** Calls {@code visitor} for every kept tag, in key order ({@code registry/repository:tag}). */
    public void forEach(BiConsumer<TagReference, TagRecord> visitor) {
        try (RocksIterator it = tags.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                visitor.accept(TagReference.parse(new String(it.key(), StandardCharsets.UTF_8)),
                        RecordCodec.decodeTag(it.value()));
            }
        }
    }

    /** A tag's key on disk: {@code registry/repository:tag}, as it always was. */
    static byte[] key(TagReference tag) {
        return tag.toString().getBytes(StandardCharsets.UTF_8);
    }
}
