package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

import io.aicache.model.Digest;

class CacheIndexTest {

    private static final Digest DIGEST = Digest.sha256Of("layer".getBytes(StandardCharsets.UTF_8));
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    @TempDir
    Path directory;

    /** Records what it was handed, and tunes one family to show its changes reach RocksDB. */
    private static final class RecordingSetter implements RocksDbOptionsSetter {
        final List<String> families = new ArrayList<>();
        int databases;
        boolean closed;

        @Override
        public void setDbOptions(DBOptions options) {
            databases++;
            options.setMaxOpenFiles(64);
        }

        @Override
        public void setOptions(String columnFamily, ColumnFamilyOptions options) {
            families.add(columnFamily);
            if (columnFamily.equals("access")) {
                options.setWriteBufferSize(1L << 20);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void anOptionsSetterTunesTheDatabaseAndEveryFamilyAfterTheDefaults() {
        RecordingSetter setter = new RecordingSetter();
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20, setter)) {
            index.blobs().put(new BlobRecord(DIGEST, 10, LAYER, 1));
            assertEquals(List.of("default", "blobs", "tags", "fills", "responses", "access", "helm", "links", "files"), setter.families);
            assertEquals(1, setter.databases);
            assertFalse(setter.closed);
        }
        assertTrue(setter.closed, "the setter is closed with the index");
        try (CacheIndex reopened = CacheIndex.open(directory, 8 << 20)) {
            assertEquals(10, reopened.blobs().get(DIGEST).orElseThrow().size(), "a tuned index reopens with the defaults");
        }
    }

}
