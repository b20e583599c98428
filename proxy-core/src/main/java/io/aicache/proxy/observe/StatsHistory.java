package io.aicache.proxy.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.aicache.storage.BlobStore;

/**
 * The last hour of aicache's figures, one sample every {@link #EVERY}, kept in memory for the web
 * console's charts: a page opened now shows what happened before it was opened. Counters are
 * totals since start; the console charts the differences between samples. Nothing is kept across
 * a restart.
 */
public final class StatsHistory {

    /** How often a sample is taken. */
    public static final Duration EVERY = Duration.ofSeconds(10);
    /** An hour of samples. */
    static final int KEPT = (int) (Duration.ofHours(1).toSeconds() / EVERY.toSeconds());

    /**
     * aicache's figures at one moment.
     *
     * @param at            ms since the epoch
     * @param answersByTier content answers since start, by tier label
     * @param servedBytes   body bytes sent to clients since start
     * @param fetchedBytes  body bytes received from upstream since start
     * @param usedBytes     bytes of kept blobs
     * @param budgetBytes   the disk budget (0: unlimited)
     */
    public record Sample(long at, Map<String, Long> answersByTier, long servedBytes, long fetchedBytes,
                         long usedBytes, long budgetBytes) {
    }

    private final Metrics metrics;
    private final Supplier<BlobStore.Usage> disk;
    private final Clock clock;
    private final Deque<Sample> samples = new ArrayDeque<>(KEPT);

    public StatsHistory(Metrics metrics, Supplier<BlobStore.Usage> disk, Clock clock) {
        this.metrics = metrics;
        this.disk = disk;
        this.clock = clock;
    }

    /** Takes a sample, dropping the oldest beyond an hour's worth; on the timer. */
    public synchronized void sample() {
        if (samples.size() == KEPT) {
            samples.removeFirst();
        }
        samples.addLast(now());
    }

    /** The samples kept, oldest first, and the figures as they stand now last. */
    public synchronized List<Sample> samples() {
        List<Sample> all = new ArrayList<>(samples.size() + 1);
        all.addAll(samples);
        all.add(now());
        return all;
    }

    private Sample now() {
        Metrics.Figures figures = metrics.figures();
        BlobStore.Usage usage = disk.get();
        return new Sample(clock.millis(), figures.answersByTier(), figures.servedBytes(), figures.fetchedBytes(),
                usage.usedBytes(), usage.maxBytes());
    }
}
