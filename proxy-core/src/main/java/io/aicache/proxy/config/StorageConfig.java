package io.aicache.proxy.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.aicache.storage.DiskBudget;
import io.aicache.storage.RocksDbOptionsSetter;

/**
 * Where and how blobs are kept.
 *
 * @param dataDir        blobs, partial fills and the index live here
 * @param chunkSize      fills are planned and recorded in chunks of this size
 * @param storageThreads the bounded executor for disk writes, fsync and index writes
 * @param indexCache     memory for the index: blob records for the hit path and RocksDB's block cache
 * @param index          how the index's RocksDB options are tuned
 * @param hotTier        manifests and small blobs kept in memory
 * @param minFreeSpace   below this much free space on the data directory's disk, misses pass through unkept
 * @param maxSize        the disk budget for kept blobs; 0 means unlimited
 * @param highWatermark  eviction starts above this fraction of maxSize
 * @param lowWatermark   and stops at this fraction
 * @param pinned         images ({@code registry/repository:tag}) never evicted, with everything they reference
 * @param scrub          the background re-hashing of kept blobs
 * @param gc             garbage collection of what no cached image references
 */
public record StorageConfig(Path dataDir, DataSize chunkSize, int storageThreads, DataSize indexCache,
                            IndexConfig index, HotTierConfig hotTier, DataSize minFreeSpace, DataSize maxSize, double highWatermark,
                            double lowWatermark, List<String> pinned, ScrubConfig scrub, GcConfig gc) {

    public StorageConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (chunkSize.bytes() < 64 * 1024 || chunkSize.bytes() > 1L << 30) {
            throw new IllegalArgumentException("chunkSize must be between 64KiB and 1GiB, got " + chunkSize);
        }
        if (hotTier == null || minFreeSpace == null || scrub == null || gc == null) {
            throw new IllegalArgumentException("hotTier, minFreeSpace, scrub and gc are required");
        }
        if (index == null) {
            throw new IllegalArgumentException("index is required");
        }
        if (maxSize == null) {
            throw new IllegalArgumentException("maxSize is required (0 for unlimited)");
        }
        budget(maxSize, highWatermark, lowWatermark, minFreeSpace);
        pinned = pinned == null ? List.of() : List.copyOf(pinned);
        if (storageThreads < 1) {
            throw new IllegalArgumentException("storageThreads must be at least 1, got " + storageThreads);
        }
    }

    /** The disk budget eviction keeps. */
    public DiskBudget budget() {
        return budget(maxSize, highWatermark, lowWatermark, minFreeSpace);
    }

    private static DiskBudget budget(DataSize maxSize, double high, double low, DataSize minFree) {
        return new DiskBudget(maxSize.bytes(), high, low, minFree.bytes());
    }

    /**
     * @param optionsSetter the class name of an {@link RocksDbOptionsSetter} (with a public no-argument
     *                      constructor) applied after aicache's own RocksDB options; empty for none
     */
    public record IndexConfig(String optionsSetter) {
        public IndexConfig {
            optionsSetter = optionsSetter == null ? "" : optionsSetter.trim();
            if (!optionsSetter.isEmpty()) {
                constructorOf(optionsSetter);
            }
        }

        /** A new instance of the configured setter; {@link RocksDbOptionsSetter#NONE} when none is configured. */
        public RocksDbOptionsSetter newOptionsSetter() {
            if (optionsSetter.isEmpty()) {
                return RocksDbOptionsSetter.NONE;
            }
            try {
                return constructorOf(optionsSetter).newInstance();
            } catch (ReflectiveOperationException e) {
                Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
                throw new ConfigException("key 'storage.index.optionsSetter': cannot create '" + optionsSetter + "': " + cause);
            }
        }

        private static Constructor<? extends RocksDbOptionsSetter> constructorOf(String name) {
            Class<?> type;
            try {
                type = Class.forName(name, false, IndexConfig.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalArgumentException("optionsSetter '" + name + "' is not a class on the class path");
            }
            if (!RocksDbOptionsSetter.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("optionsSetter '" + name + "' does not implement "
                        + RocksDbOptionsSetter.class.getName());
            }
            try {
                return type.asSubclass(RocksDbOptionsSetter.class).getConstructor();
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("optionsSetter '" + name + "' has no public no-argument constructor");
            }
        }
    }

    /** @param bytesPerSecond how fast kept blobs are read back and re-hashed; 0 turns the scrub off */
    public record ScrubConfig(DataSize bytesPerSecond) {
        public ScrubConfig {
            if (bytesPerSecond == null) {
                throw new IllegalArgumentException("bytesPerSecond is required (0 for off)");
            }
        }
    }

    /**
     * @param minAge       blobs unused for less than this are never collected
     * @param tagRetention tags upstream has not confirmed for longer are dropped; 0 keeps them
     * @param interval     how often a collection runs by itself; 0 only on request
     */
    public record GcConfig(Duration minAge, Duration tagRetention, Duration interval) {
        public GcConfig {
            if (minAge == null || tagRetention == null || interval == null) {
                throw new IllegalArgumentException("minAge, tagRetention and interval are required");
            }
            if (minAge.isNegative() || tagRetention.isNegative() || interval.isNegative()) {
                throw new IllegalArgumentException("gc durations must not be negative");
            }
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
