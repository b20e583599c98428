package io.aicache.proxy.config;

import java.time.Duration;

/**
 * How manifests are kept.
 *
 * @param tagTtl   how long a tag is served without asking upstream again
 * @param maxBytes the largest manifest accepted from upstream
 */
public record ManifestsConfig(Duration tagTtl, DataSize maxBytes) {
    public ManifestsConfig {
        if (tagTtl.isNegative()) {
            throw new IllegalArgumentException("tagTtl must not be negative, got " + tagTtl);
        }
        if (maxBytes.bytes() < 1024 || maxBytes.bytes() > 64L << 20) {
            throw new IllegalArgumentException("maxBytes must be between 1KiB and 64MiB, got " + maxBytes);
        }
    }
}
