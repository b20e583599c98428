package io.aicache.proxy.config;

import java.time.Duration;

import io.aicache.upstream.RetryPolicy;

/**
 * How misses are fetched from upstream.
 *
 * @param parallelism           range GETs at once for one blob
 * @param maxConnectionsPerHost range GETs open at once to one upstream registry, across all fills
 * @param retry                 how a dropped, stalled or refused range is tried again
 */
public record FillConfig(int parallelism, int maxConnectionsPerHost, Retry retry) {

    public FillConfig {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1 to 64, got " + parallelism);
        }
        if (maxConnectionsPerHost < 1) {
            throw new IllegalArgumentException("maxConnectionsPerHost must be at least 1, got " + maxConnectionsPerHost);
        }
        if (retry == null) {
            throw new IllegalArgumentException("retry is required");
        }
    }

    /** @param attempts tries per range in all, the first included */
    public record Retry(int attempts, Duration initialBackoff, Duration maxBackoff) {
        public Retry {
            toPolicy(attempts, initialBackoff, maxBackoff);
        }

        public RetryPolicy toPolicy() {
            return toPolicy(attempts, initialBackoff, maxBackoff);
        }

        private static RetryPolicy toPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {
            return new RetryPolicy(attempts, initialBackoff, maxBackoff);
        }
    }
}
