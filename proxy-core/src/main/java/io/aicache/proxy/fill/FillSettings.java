package io.aicache.proxy.fill;

import java.time.Duration;

import io.aicache.upstream.RetryPolicy;

/**
 * How fills fetch from upstream.
 *
 * @param chunkSize   range size, and the unit in which landed bytes are recorded
 * @param parallelism range GETs at once for one fill
 * @param idleTimeout a range that receives nothing for this long is dropped and retried
 * @param retry       which failures are retried, how often and after how long
 * @param unreadGrace a fill nobody reads any more is stopped after this long (its partial file kept
 *                    to resume); {@code null} lets such fills finish
 */
public record FillSettings(int chunkSize, int parallelism, Duration idleTimeout, RetryPolicy retry,
                           Duration unreadGrace) {
    public FillSettings {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
    }
}
