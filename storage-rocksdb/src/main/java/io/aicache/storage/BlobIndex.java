package io.aicache.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import io.aicache.model.Digest;

/**
 * The index of kept blobs: their records ({@code blobs}, with a record cache in front), their last
 * uses ({@code access}) and the total of their sizes (a counter in the default family, kept by
 * merges in the same batch as each record, so a crash never leaves the two apart).
 */
public final class BlobIndex {

    /** In the default column family: the sum of every indexed blob's size, kept by merges. */
    private static final byte[] BLOB_BYTES_KEY = "blob-bytes".getBytes(StandardCharsets.UTF_8);
    private static final int WRITE_STRIPES = 64;

    private final Family blobs;
    private final Family access;
    private final Family meta;
    private final WriteOptions syncWrite;
    private final WriteOptions lazyWrite;
    private final BlobRecordCache records;
    /** How the record cache reads a miss: made once, so a lookup allocates no reader of its own. */
    private final Function<byte[], byte[]> readRecord;
    /** Writes of one blob key are serialised (its old size decides the total), others run in parallel. */
    private final Object[] writeStripes = new Object[WRITE_STRIPES];
    private final AtomicLong blobBytes = new AtomicLong();

    /**
     * @param syncWrite  for records and the total: a blob is indexed only after its file was renamed into place
     * @param lazyWrite  for uses, which are hints for eviction: losing the last batch in a crash costs nothing
     */
    BlobIndex(Family blobs, Family access, Family meta, WriteOptions syncWrite, WriteOptions lazyWrite,
              long recordCacheBytes) {
        this.blobs = blobs;
        this.access = access;
        this.meta = meta;
        this.syncWrite = syncWrite;
        this.lazyWrite = lazyWrite;
        this.records = new BlobRecordCache(recordCacheBytes);
        this.readRecord = blobs::get;
        for (int i = 0; i < WRITE_STRIPES; i++) {
            writeStripes[i] = new Object();
        }
        blobBytes.set(storedBlobBytes());
    }

    /**
     * The persisted total, so opening is O(1) in blobs; an index written before there was one
     * is walked once and the total stored.
     */
    private long storedBlobBytes() {
        byte[] stored = meta.get(BLOB_BYTES_KEY);
        if (stored != null) {
            return ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        long[] sum = {0};
        forEach(blob -> sum[0] += blob.storedSize());
        meta.put(BLOB_BYTES_KEY, littleEndian(sum[0]), syncWrite);
        return sum[0];
    }

    public Optional<BlobRecord> get(Digest digest) {
        return Optional.ofNullable(records.get(digest, readRecord));
    }

    /**
     * Synced: a blob is indexed only after its file was renamed into place. The total of blob
     * sizes changes in the same batch, so a crash never leaves the two apart.
     */
    public void put(BlobRecord blob) {
        byte[] key = RecordCodec.digestKey(blob.digest());
        synchronized (stripe(key)) {
            long delta = blob.storedSize() - storedSize(key);
            writeWithTotal(delta, batch -> batch.put(blobs.handle(), key, RecordCodec.encodeBlob(blob)));
            records.invalidate(key);
            blobBytes.addAndGet(delta);
        }
    }

    /** Drops a blob's record and its recorded use. */
    public void delete(Digest digest) {
        byte[] key = RecordCodec.digestKey(digest);
        synchronized (stripe(key)) {
            long delta = -storedSize(key);
            writeWithTotal(delta, batch -> {
                batch.delete(blobs.handle(), key);
                batch.delete(access.handle(), key);
            });
            records.invalidate(key);
            blobBytes.addAndGet(delta);
        }
    }

    /** The sum of the stored sizes of every indexed blob: what its files take on disk. */
    public long totalBytes() {
        return blobBytes.get();
    }

    /** Whether any blob is indexed (something can be served without upstream). */
    public boolean any() {
        try (RocksIterator it = blobs.newIterator()) {
            it.seekToFirst();
            return it.isValid();
        }
    }

    /** Calls {@code visitor} for every indexed blob (start-up accounting, eviction). */
    public void forEach(Consumer<BlobRecord> visitor) {
        try (RocksIterator it = blobs.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Digest digest = RecordCodec.digestFromKey(it.key());
                visitor.accept(RecordCodec.decodeBlob(digest, it.value()));
            }
        }
    }

    /** Up to {@code limit} blob records in key order after {@code after} (from the first when null): a walk in steps. */
    public List<BlobRecord> after(Digest after, int limit) {
        List<BlobRecord> page = new ArrayList<>(limit);
        try (RocksIterator it = blobs.newIterator()) {
            byte[] from = after == null ? null : RecordCodec.digestKey(after);
            if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from);
            }
            for (; it.isValid() && page.size() < limit; it.next()) {
                byte[] key = it.key();
                if (from == null || !Arrays.equals(key, from)) {
                    page.add(RecordCodec.decodeBlob(RecordCodec.digestFromKey(key), it.value()));
                }
            }
        }
        return page;
    }

    /**
     * Calls {@code visitor} for every indexed blob with its last recorded use (null when none
     * was recorded). Both column families are keyed by digest, so one pass over each in step
     * replaces a point read per blob.
     */
    public void forEachWithAccess(BiConsumer<BlobRecord, AccessRecord> visitor) {
        try (RocksIterator blobIt = blobs.newIterator(); RocksIterator accessIt = access.newIterator()) {
            accessIt.seekToFirst();
            for (blobIt.seekToFirst(); blobIt.isValid(); blobIt.next()) {
                byte[] key = blobIt.key();
                int order = -1;
                while (accessIt.isValid() && (order = Arrays.compareUnsigned(accessIt.key(), key)) < 0) {
                    accessIt.next();
                }
                AccessRecord use = accessIt.isValid() && order == 0 ? RecordCodec.decodeAccess(accessIt.value()) : null;
                visitor.accept(RecordCodec.decodeBlob(RecordCodec.digestFromKey(key), blobIt.value()), use);
            }
        }
    }

    /** The last recorded use of a blob, if any was recorded. */
    public Optional<AccessRecord> access(Digest digest) {
        byte[] value = access.get(RecordCodec.digestKey(digest));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeAccess(value));
    }

    /** Writes a batch of access records at once: uses are recorded in batches, never one write per request. */
    public void putAccesses(Map<Digest, AccessRecord> uses) {
        access.write(lazyWrite, batch -> {
            for (Map.Entry<Digest, AccessRecord> entry : uses.entrySet()) {
                batch.put(access.handle(), RecordCodec.digestKey(entry.getKey()), RecordCodec.encodeAccess(entry.getValue()));
            }
        });
    }

    private Object stripe(byte[] digestKey) {
        return writeStripes[Byte.toUnsignedInt(digestKey[1]) % WRITE_STRIPES];
    }

    /** The stored size RocksDB holds for a blob key, 0 when none; read past the record cache. */
    private long storedSize(byte[] key) {
        byte[] value = blobs.get(key);
        return value == null ? 0 : RecordCodec.decodeBlob(RecordCodec.digestFromKey(key), value).storedSize();
    }

    private void writeWithTotal(long sizeDelta, Family.BatchWriter writes) {
        blobs.write(syncWrite, batch -> {
            writes.write(batch);
            if (sizeDelta != 0) {
                batch.merge(meta.handle(), BLOB_BYTES_KEY, littleEndian(sizeDelta));
            }
        });
    }

    /** uint64add's operand encoding; a negative delta wraps, which is the subtraction wanted. */
    private static byte[] littleEndian(long value) {
        return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
