package io.aicache.storage;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One column family of the open index, as a store reaches it: point reads, writes and walks,
 * their failures as {@link StorageException}. The index owns the database and the handle.
 */
final class Family {

    private final RocksDB db;
    private final ColumnFamilyHandle handle;

    Family(RocksDB db, ColumnFamilyHandle handle) {
        this.db = db;
        this.handle = handle;
    }

    /** What a batch write adds to its batch, in this family and others of the same index. */
    interface BatchWriter {
        void write(WriteBatch batch) throws RocksDBException;
    }

    ColumnFamilyHandle handle() {
        return handle;
    }

    /** The value of {@code key}, null when absent. */
    byte[] get(byte[] key) {
        try {
            return db.get(handle, key);
        } catch (RocksDBException e) {
            throw new StorageException("index read failed: " + e.getMessage(), e);
        }
    }

    void put(byte[] key, byte[] value, WriteOptions options) {
        try {
            db.put(handle, options, key, value);
        } catch (RocksDBException e) {
            throw new StorageException("index write failed: " + e.getMessage(), e);
        }
    }

    void delete(byte[] key, WriteOptions options) {
        try {
            db.delete(handle, options, key);
        } catch (RocksDBException e) {
            throw new StorageException("index delete failed: " + e.getMessage(), e);
        }
    }

    /** Writes what {@code writes} adds to one batch at once: all of it survives a crash, or none. */
    void write(WriteOptions options, BatchWriter writes) {
        try (WriteBatch batch = new WriteBatch()) {
            writes.write(batch);
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw new StorageException("index write failed: " + e.getMessage(), e);
        }
    }

    /** A walk over the family in key order; the caller closes it. */
    RocksIterator newIterator() {
        return db.newIterator(handle);
    }
}
