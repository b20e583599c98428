package io.aicache.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.aicache.model.Digest;

/**
 * Small hot objects (manifests, configs, small layers) kept in memory, weighed in bytes, so
 * the hottest requests touch neither the index nor the file system. Caffeine's W-TinyLFU
 * admission keeps a one-off scan from flushing what is really hot. Large blobs are not kept
 * here: they are sent from the page cache with sendfile, which costs no heap and no copy.
 */
public final class HotTier {

    private final Cache<Digest, byte[]> cache;
    private final int maxObjectBytes;

    public HotTier(long maxTotalBytes, int maxObjectBytes) {
        this.maxObjectBytes = maxObjectBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxTotalBytes)
                .weigher((Digest digest, byte[] bytes) -> bytes.length)
                .recordStats()
                .build();
    }

    /** The largest object the hot tier keeps. */
    public int maxObjectBytes() {
        return maxObjectBytes;
    }

    public byte[] get(Digest digest) {
        return cache.getIfPresent(digest);
    }

    /** Keeps {@code bytes} when they are small enough to be worth memory. */
    public void offer(Digest digest, byte[] bytes) {
        if (bytes.length <= maxObjectBytes) {
            cache.put(digest, bytes);
        }
    }

    /** Forgets an object (it was purged). */
    public void invalidate(Digest digest) {
        cache.invalidate(digest);
    }

    /** Hits, misses, evictions and weight so far, for the metrics. */
    public Stats stats() {
        com.github.benmanes.caffeine.cache.stats.CacheStats stats = cache.stats();
        long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return new Stats(stats.hitCount(), stats.missCount(), stats.evictionCount(), weight);
    }

    /** What the hot tier did so far; {@code weightBytes} is what it holds now. */
    public record Stats(long hits, long misses, long evictions, long weightBytes) {
    }
}
