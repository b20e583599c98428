package io.aicache.proxy.config;

import java.time.Duration;

import io.aicache.upstream.RetryPolicy;

/**
 * How misses are fetched from upstream.
 *
 * @param parallelism           range GETs at once for one blob
 * @param maxConnectionsPerHost range GETs open at once to one upstream registry, across all fills
 * @param retry                 how a dropped, stalled or refused range is tried again
 * @param whenUnread            what happens to a fill whose last reader went away
 * @param unreadGrace           with {@code whenUnread: stop}, how long a fill may go unread before it stops
 */
public record FillConfig(int parallelism, int maxConnectionsPerHost, Retry retry, WhenUnread whenUnread,
                         Duration unreadGrace) {

    /** {@code finish}: the blob is fetched and kept anyway; {@code stop}: the fill stops, its partial file kept to resume. */
    public enum WhenUnread {
        @com.fasterxml.jackson.annotation.JsonProperty("finish") FINISH,
        @com.fasterxml.jackson.annotation.JsonProperty("stop") STOP
    }

    public FillConfig {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1 to 64, got " + parallelism);
        }
        if (maxConnectionsPerHost < 1) {
            throw new IllegalArgumentException("maxConnectionsPerHost must be at least 1, got " + maxConnectionsPerHost);
        }
        if (retry == null || whenUnread == null || unreadGrace == null) {
            throw new IllegalArgumentException("retry, whenUnread and unreadGrace are required");
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
