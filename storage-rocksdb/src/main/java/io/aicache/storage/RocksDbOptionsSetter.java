package io.aicache.storage;

import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * Tunes the index's RocksDB options after aicache has set its own, as Kafka Streams'
 * {@code RocksDBConfigSetter} does: the setter is called once for the database and once per
 * column family before the index opens. An implementation needs a public no-argument
 * constructor when it is named in the configuration ({@code storage.index.optionsSetter}).
 *
 * <p>The index owns the options it hands over and closes them; native objects the setter
 * creates itself (a rate limiter, a cache of its own) are the setter's to close, in
 * {@link #close()}, which runs after the database closed and before the options are closed.
 */
public interface RocksDbOptionsSetter {

    /** Leaves aicache's options as they are. */
    RocksDbOptionsSetter NONE = new RocksDbOptionsSetter() {
    };

    /** Tunes the options of the whole database (threads, the write-ahead log, rate limits). */
    default void setDbOptions(DBOptions options) {
    }

    /**
     * Tunes the options of one column family ({@code default}, {@code blobs}, {@code tags},
     * {@code fills}, {@code responses}, {@code access}, {@code helm}).
     */
    default void setOptions(String columnFamily, ColumnFamilyOptions options) {
    }

    /** Closes what the setter created for the options; the index has closed its database. */
    default void close() {
    }
}
