package io.aicache.storage;

import java.nio.charset.StandardCharsets;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.MergeOperator;
import org.rocksdb.RocksDB;

/**
 * The index's column families, each declared once: its name on disk and the options it opens
 * with (before a {@link RocksDbOptionsSetter} tunes them). Handles are found by these names.
 */
enum ColumnFamily {

    /** RocksDB's own family: the total of blob sizes and the settings. */
    DEFAULT(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8)),
    /** Blob records by digest. */
    BLOBS("blobs"),
    /** Tag records by {@code registry/repository:tag}. */
    TAGS("tags"),
    /** Records of fills under way, by digest. */
    FILLS("fills"),
    /** Small upstream answers kept whole (referrers lists). */
    RESPONSES("responses"),
    /** The last use of each blob, by digest. */
    ACCESS("access"),
    /** Chart repositories' index and chart records. */
    HELM("helm"),
    /** Which repositories each blob belongs to, by digest and repository. */
    LINKS("links"),
    /** File URLs and the versions of their bodies. */
    FILES("files");

    private final String familyName;

    ColumnFamily(String familyName) {
        this.familyName = familyName;
    }

    /** The name RocksDB keeps the family under, and a {@link RocksDbOptionsSetter} is told. */
    String familyName() {
        return familyName;
    }

    byte[] nameBytes() {
        return familyName.getBytes(StandardCharsets.UTF_8);
    }

    /** The family of a name RocksDB gave back; throws for a family the index does not declare. */
    static ColumnFamily named(byte[] name) {
        String text = new String(name, StandardCharsets.UTF_8);
        for (ColumnFamily family : values()) {
            if (family.familyName.equals(text)) {
                return family;
            }
        }
        throw new StorageException("the index holds a column family it does not know: " + text);
    }

    /**
     * aicache's options for this family. Every family is read by point lookups only: a hash index
     * inside data blocks, bloom filters on whole keys (in the memtable too), and the filter and
     * index blocks of new files pinned in the cache; {@code sums} adds the merges the blob total uses.
     */
    ColumnFamilyOptions newOptions(BlockBasedTableConfig table, MergeOperator sums) {
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setMemtablePrefixBloomSizeRatio(0.02)
                .setMemtableWholeKeyFiltering(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMergeOperator(sums);
    }
}
