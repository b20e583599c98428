package io.aicache.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB index: one column family per record kind, as {@link ColumnFamily} declares them,
 * each reached through the store of that kind ({@link #blobs()}, {@link #tags()}, ...).
 *
 * <p>This class owns every native RocksDB object it creates and closes them in reverse order of
 * creation; a {@link RocksDbOptionsSetter} may tune the options before it opens. The stores
 * borrow the database, their family's handle and the write options. Writes that must survive a
 * crash (a committed blob) are synced; others are not.
 */
public final class CacheIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheIndex.class);

    static {
        RocksDB.loadLibrary();
    }

    private static final long MAX_WAL_BYTES = 16L << 20;

    /** Every native object, in the order it was created: closed in reverse, on close or a failed open. */
    private final Deque<AutoCloseable> natives = new ArrayDeque<>();
    private final WriteOptions syncWrite;
    private final WriteOptions lazyWrite;
    private final WriteOptions loggedWrite;
    private final RocksDB db;
    private final Map<ColumnFamily, ColumnFamilyHandle> handles = new EnumMap<>(ColumnFamily.class);
    private final BlobIndex blobs;
    private final TagStore tags;
    private final FillRecords fills;
    private final StoredResponses responses;
    private final HelmRecords helm;
    private final Settings settings;
    private final BlobLinks links;
    private final FileRecords files;

    private CacheIndex(Path directory, long memoryBytes, RocksDbOptionsSetter setter) throws RocksDBException {
        try {
            // Half for decoded blob records (the hit path: ~180,000 of them in 32 MiB), half for
            // RocksDB's blocks (everything else, and the records that do not fit).
            LRUCache blockCache = owned(new LRUCache(memoryBytes - memoryBytes / 2));
            BloomFilter bloomFilter = owned(new BloomFilter(10));
            UInt64AddOperator sumOperator = owned(new UInt64AddOperator());
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(blockCache)
                    .setFilterPolicy(bloomFilter)
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true)
                    .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash);
            DBOptions dbOptions = owned(new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setKeepLogFileNum(3)
                    // The write-ahead log is kept until every column family flushed what it logged; the
                    // small ones (the blob total, tags) rarely fill a memtable, so without a bound the log
                    // grows to gigabytes and a restart after kill -9 replays all of it (53 s for a
                    // million blobs). Past this size the column families holding it back are flushed.
                    .setMaxTotalWalSize(MAX_WAL_BYTES));
            // The setter comes after aicache's own options; it closes after the database, before the options.
            setter.setDbOptions(dbOptions);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (ColumnFamily family : ColumnFamily.values()) {
                ColumnFamilyOptions options = owned(family.newOptions(table, sumOperator));
                setter.setOptions(family.familyName(), options);
                descriptors.add(new ColumnFamilyDescriptor(family.nameBytes(), options));
            }
            natives.push(setter::close);
            syncWrite = owned(new WriteOptions().setSync(true));
            // Access statistics are hints for eviction: losing the last batch in a crash costs nothing.
            lazyWrite = owned(new WriteOptions().setSync(false).setDisableWAL(true));
            // In the log but not synced: survives the process being killed, not the machine losing power.
            loggedWrite = owned(new WriteOptions().setSync(false));
            List<ColumnFamilyHandle> opened = new ArrayList<>();
            db = owned(RocksDB.open(dbOptions, directory.toString(), descriptors, opened));
            for (ColumnFamilyHandle handle : opened) {
                handles.put(ColumnFamily.named(owned(handle).getName()), handle);
            }
            blobs = new BlobIndex(family(ColumnFamily.BLOBS), family(ColumnFamily.ACCESS), family(ColumnFamily.DEFAULT),
                    syncWrite, lazyWrite, memoryBytes / 2);
            tags = new TagStore(family(ColumnFamily.TAGS), syncWrite);
            fills = new FillRecords(family(ColumnFamily.FILLS), loggedWrite, syncWrite);
            responses = new StoredResponses(family(ColumnFamily.RESPONSES), syncWrite);
            helm = new HelmRecords(family(ColumnFamily.HELM), syncWrite);
            settings = new Settings(family(ColumnFamily.DEFAULT), syncWrite);
            links = new BlobLinks(family(ColumnFamily.LINKS), loggedWrite);
            files = new FileRecords(family(ColumnFamily.FILES), syncWrite);
        } catch (RocksDBException | RuntimeException e) {
            closeNatives();
            throw e;
        }
    }

    /** Takes {@code object} into the index's keeping: it is closed with the index, in reverse order of creation. */
    private <T extends AutoCloseable> T owned(T object) {
        natives.push(object);
        return object;
    }

    private Family family(ColumnFamily family) {
        return new Family(db, handles.get(family));
    }

    /**
     * Opens (creating when absent) the index in {@code directory}.
     *
     * @param memoryBytes what the index may hold in memory: RocksDB's block cache and the blob
     *                    records in front of it
     */
    public static CacheIndex open(Path directory, long memoryBytes) {
        return open(directory, memoryBytes, RocksDbOptionsSetter.NONE);
    }

    /**
     * Opens (creating when absent) the index in {@code directory}, its options tuned by {@code setter}
     * after aicache's own.
     *
     * @param memoryBytes what the index may hold in memory: RocksDB's block cache and the blob
     *                    records in front of it
     */
    public static CacheIndex open(Path directory, long memoryBytes, RocksDbOptionsSetter setter) {
        try {
            Files.createDirectories(directory);
            return new CacheIndex(directory, memoryBytes, setter);
        } catch (RocksDBException | IOException e) {
            throw new StorageException("cannot open the index in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Blob records, their uses and the total of their sizes. */
    public BlobIndex blobs() {
        return blobs;
    }

    /** Kept tags. */
    public TagStore tags() {
        return tags;
    }

    /** Records of fills under way. */
    public FillRecords fills() {
        return fills;
    }

    /** Upstream answers kept whole. */
    public StoredResponses responses() {
        return responses;
    }

    /** Chart repositories' index and chart records. */
    public HelmRecords helm() {
        return helm;
    }

    /** Small named values kept across restarts. */
    public Settings settings() {
        return settings;
    }

    /** Which repositories each blob belongs to. */
    public BlobLinks links() {
        return links;
    }

    /** File URLs and the versions of their bodies. */
    public FileRecords files() {
        return files;
    }

    /** Flushes the memtables first, so a clean restart has no log to replay. */
    @Override
    public void close() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, new ArrayList<>(handles.values()));
        } catch (RocksDBException e) {
            LOG.warn("cannot flush the index before closing it ({}); the next start replays its log", e.getMessage());
        }
        closeNatives();
    }

    private void closeNatives() {
        while (!natives.isEmpty()) {
            try {
                natives.pop().close();
            } catch (Exception e) {
                LOG.warn("cannot close a part of the index: {}", e.getMessage());
            }
        }
    }
}
