package io.aicache.proxy.config;

import java.nio.file.Path;

/**
 * Where and how blobs are kept.
 *
 * @param dataDir        blobs, partial fills and the index live here
 * @param chunkSize      fills are planned and recorded in chunks of this size
 * @param storageThreads the bounded executor for disk writes, fsync and index writes
 * @param indexCache     RocksDB's block cache
 * @param hotTier        manifests and small blobs kept in memory
 * @param minFreeSpace   below this much free space on the data directory's disk, aicache is not ready
 */
public record StorageConfig(Path dataDir, DataSize chunkSize, int storageThreads, DataSize indexCache,
                            HotTierConfig hotTier, DataSize minFreeSpace) {

    public StorageConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (chunkSize.bytes() < 64 * 1024 || chunkSize.bytes() > 1L << 30) {
            throw new IllegalArgumentException("chunkSize must be between 64KiB and 1GiB, got " + chunkSize);
        }
        if (hotTier == null || minFreeSpace == null) {
            throw new IllegalArgumentException("hotTier and minFreeSpace are required");
        }
        if (storageThreads < 1) {
            throw new IllegalArgumentException("storageThreads must be at least 1, got " + storageThreads);
        }
    }

    /** @param maxBytes total weight of the hot tier; @param maxObjectBytes larger objects are not kept in memory */
    public record HotTierConfig(DataSize maxBytes, DataSize maxObjectBytes) {
        public HotTierConfig {
            if (maxObjectBytes.bytes() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxObjectBytes must be under 2GiB, got " + maxObjectBytes);
            }
        }
    }
}
