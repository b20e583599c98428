package io.aicache.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB index: one column family per record kind.
 *
 * <p>This class owns every native RocksDB object it creates and closes them in reverse
 * order. Writes that must survive a crash (a committed blob) are synced; others are not.
 */
public final class CacheIndex implements AutoCloseable {

    private static final String BLOBS = "blobs";
    private static final String TAGS = "tags";
    private static final String FILLS = "fills";
    private static final String RESPONSES = "responses";
    private static final String ACCESS = "access";
    private static final String HELM = "helm";

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final ColumnFamilyOptions columnOptions;
    private final DBOptions dbOptions;
    private final WriteOptions syncWrite;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle blobs;
    private final ColumnFamilyHandle tags;
    private final ColumnFamilyHandle fills;
    private final ColumnFamilyHandle responses;
    private final ColumnFamilyHandle access;
    private final ColumnFamilyHandle settings;
    private final ColumnFamilyHandle helm;
    private final WriteOptions lazyWrite;

    private CacheIndex(Path directory, long blockCacheBytes) throws RocksDBException {
        blockCache = new LRUCache(blockCacheBytes);
        bloomFilter = new BloomFilter(10);
        columnOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter)
                        .setCacheIndexAndFilterBlocks(true))
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .optimizeForPointLookup(blockCacheBytes / (1024 * 1024));
        dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setKeepLogFileNum(3);
        syncWrite = new WriteOptions().setSync(true);
        // Access statistics are hints for eviction: losing the last batch in a crash costs nothing.
        lazyWrite = new WriteOptions().setSync(false).setDisableWAL(true);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : List.of(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8),
                BLOBS, TAGS, FILLS, RESPONSES, ACCESS, HELM)) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), columnOptions));
        }
        handles = new ArrayList<>();
        db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        blobs = handles.get(1);
        tags = handles.get(2);
        fills = handles.get(3);
        responses = handles.get(4);
        access = handles.get(5);
        settings = handles.get(0);
        helm = handles.get(6);
    }

    /** Opens (creating when absent) the index in {@code directory}. */
    public static CacheIndex open(Path directory, long blockCacheBytes) {
        try {
            Files.createDirectories(directory);
            return new CacheIndex(directory, blockCacheBytes);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StorageException("cannot open the index in " + directory + ": " + e.getMessage(), e);
        }
    }

    public Optional<BlobRecord> blob(Digest digest) {
        byte[] value = get(blobs, RecordCodec.digestKey(digest));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeBlob(digest, value));
    }

    /** Synced: a blob is indexed only after its file was renamed into place. */
    public void putBlob(BlobRecord blob) {
        put(blobs, RecordCodec.digestKey(blob.digest()), RecordCodec.encodeBlob(blob), syncWrite);
    }

    /** Calls {@code visitor} for every indexed blob (start-up accounting, eviction). */
    public void forEachBlob(java.util.function.Consumer<BlobRecord> visitor) {
        try (RocksIterator it = db.newIterator(blobs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Digest digest = RecordCodec.digestFromKey(it.key());
                visitor.accept(RecordCodec.decodeBlob(digest, it.value()));
            }
        }
    }

    /** The last recorded use of a blob, if any was recorded. */
    public Optional<AccessRecord> access(Digest digest) {
        byte[] value = get(access, RecordCodec.digestKey(digest));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeAccess(value));
    }

    /** Writes a batch of access records at once: uses are recorded in batches, never one write per request. */
    public void putAccesses(java.util.Map<Digest, AccessRecord> records) {
        try (org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
            for (java.util.Map.Entry<Digest, AccessRecord> entry : records.entrySet()) {
                batch.put(access, RecordCodec.digestKey(entry.getKey()), RecordCodec.encodeAccess(entry.getValue()));
            }
            db.write(lazyWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("index write failed: " + e.getMessage(), e);
        }
    }

    /** Whether any blob is indexed (something can be served without upstream). */
    public boolean hasBlobs() {
        try (RocksIterator it = db.newIterator(blobs)) {
            it.seekToFirst();
            return it.isValid();
        }
    }

    public void deleteBlob(Digest digest) {
        delete(blobs, RecordCodec.digestKey(digest));
        delete(access, RecordCodec.digestKey(digest));
    }

    public Optional<TagRecord> tag(String key) {
        byte[] value = get(tags, utf8(key));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeTag(value));
    }

    public void putTag(String key, TagRecord tag) {
        put(tags, utf8(key), RecordCodec.encodeTag(tag), syncWrite);
    }

    public void deleteTag(String key) {
        delete(tags, utf8(key));
    }

    /** Calls {@code visitor} for every kept tag, by key ({@code registry/repository:tag}), in key order. */
    public void forEachTag(BiConsumer<String, TagRecord> visitor) {
        try (RocksIterator it = db.newIterator(tags)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                visitor.accept(new String(it.key(), StandardCharsets.UTF_8), RecordCodec.decodeTag(it.value()));
            }
        }
    }

    /** A small named value aicache keeps across restarts (runtime pins), if set. */
    public Optional<byte[]> setting(String name) {
        return Optional.ofNullable(get(settings, utf8("setting:" + name)));
    }

    public void putSetting(String name, byte[] value) {
        put(settings, utf8("setting:" + name), value, syncWrite);
    }

    public Optional<StoredResponse> response(String key) {
        byte[] value = get(responses, utf8(key));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeResponse(value));
    }

    public void putResponse(String key, StoredResponse response) {
        put(responses, utf8(key), RecordCodec.encodeResponse(response), syncWrite);
    }

    public void putFill(FillRecord fill) {
        put(fills, RecordCodec.digestKey(fill.digest()), RecordCodec.encodeFill(fill), syncWrite);
    }

    public Optional<FillRecord> fill(Digest digest) {
        byte[] value = get(fills, RecordCodec.digestKey(digest));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeFill(digest, value));
    }

    public void deleteFill(Digest digest) {
        delete(fills, RecordCodec.digestKey(digest));
    }

    /** Calls {@code visitor} for every fill record (start-up reconciliation). */
    public void forEachFill(BiConsumer<Digest, FillRecord> visitor) {
        try (RocksIterator it = db.newIterator(fills)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Digest digest = RecordCodec.digestFromKey(it.key());
                visitor.accept(digest, RecordCodec.decodeFill(digest, it.value()));
            }
        }
    }

    /** What aicache knows of chart repository {@code repository}'s index, if it fetched it. */
    public Optional<HelmIndexRecord> helmIndex(String repository) {
        byte[] value = get(helm, HelmRecords.indexKey(repository));
        return value == null ? Optional.empty() : Optional.of(HelmRecords.decodeIndex(value));
    }

    /** Synced: written after the kept index file it describes was renamed into place. */
    public void putHelmIndex(String repository, HelmIndexRecord record) {
        put(helm, HelmRecords.indexKey(repository), HelmRecords.encodeIndex(record), syncWrite);
    }

    /** Where chart file {@code file} of {@code repository} lives upstream, as its index last said. */
    public Optional<HelmChartRecord> helmChart(String repository, String file) {
        byte[] value = get(helm, HelmRecords.chartKey(repository, file));
        return value == null ? Optional.empty() : Optional.of(HelmRecords.decodeChart(value));
    }

    /** Writes chart records of one repository in one batch (an index lists thousands). */
    public void putHelmCharts(String repository, java.util.Map<String, HelmChartRecord> byFile) {
        try (org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
            for (java.util.Map.Entry<String, HelmChartRecord> entry : byFile.entrySet()) {
                batch.put(helm, HelmRecords.chartKey(repository, entry.getKey()), HelmRecords.encodeChart(entry.getValue()));
            }
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("index write failed: " + e.getMessage(), e);
        }
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw new StorageException("index read failed: " + e.getMessage(), e);
        }
    }

    private void put(ColumnFamilyHandle family, byte[] key, byte[] value, WriteOptions options) {
        try {
            db.put(family, options, key, value);
        } catch (RocksDBException e) {
            throw new StorageException("index write failed: " + e.getMessage(), e);
        }
    }

    private void delete(ColumnFamilyHandle family, byte[] key) {
        try {
            db.delete(family, syncWrite, key);
        } catch (RocksDBException e) {
            throw new StorageException("index delete failed: " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        lazyWrite.close();
        syncWrite.close();
        dbOptions.close();
        columnOptions.close();
        bloomFilter.close();
        blockCache.close();
    }
}
