package io.aicache.storage;

import java.util.Optional;
import java.util.function.BiConsumer;

import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import io.aicache.model.Digest;

/** Records of fills under way ({@code fills}), by digest: which chunks landed, so a restart resumes them. */
public final class FillRecords {

    private final Family fills;
    private final WriteOptions loggedWrite;
    private final WriteOptions syncWrite;

    /**
     * @param loggedWrite for records: in the log but not synced
     * @param syncWrite   for deletes
     */
    FillRecords(Family fills, WriteOptions loggedWrite, WriteOptions syncWrite) {
        this.fills = fills;
        this.loggedWrite = loggedWrite;
        this.syncWrite = syncWrite;
    }

    /**
     * Not synced: a fill's bytes are not synced either until it commits, so a synced record would
     * promise nothing more after a power cut (the digest check at commit catches a chunk the record
     * says landed and the disk lost; a lost record costs a fetch). A sync here cost a cold pull's first
     * byte up to 40 ms on a busy disk.
     */
    public void put(FillRecord fill) {
        fills.put(RecordCodec.digestKey(fill.digest()), RecordCodec.encodeFill(fill), loggedWrite);
    }

    public Optional<FillRecord> get(Digest digest) {
        byte[] value = fills.get(RecordCodec.digestKey(digest));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeFill(digest, value));
    }

    public void delete(Digest digest) {
        fills.delete(RecordCodec.digestKey(digest), syncWrite);
    }

    /** Calls {@code visitor} for every fill record (start-up reconciliation). */
    public void forEach(BiConsumer<Digest, FillRecord> visitor) {
        try (RocksIterator it = fills.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Digest digest = RecordCodec.digestFromKey(it.key());
                visitor.accept(digest, RecordCodec.decodeFill(digest, it.value()));
            }
        }
    }
}
