package io.aicache.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.aicache.model.Tier;
import io.aicache.proxy.http.RequestRecord;
import io.aicache.storage.BlobStore;

/** The console's history: an hour of samples at most, oldest dropped first, and the figures now at its end. */
class StatsHistoryTest {

    /** A clock that moves on a sampling interval each time it is read. */
    private static final class Ticking extends Clock {
        private final AtomicLong millis = new AtomicLong();

        @Override
        public long millis() {
            return millis.addAndGet(StatsHistory.EVERY.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void keepsAnHourAndEndsWithNow() {
        Metrics metrics = new Metrics();
        AtomicLong used = new AtomicLong();
        StatsHistory history = new StatsHistory(metrics, () -> new BlobStore.Usage(used.get(), 0, 1000), new Ticking());

        for (int i = 0; i < StatsHistory.KEPT + 40; i++) {
            used.set(i);
            history.sample();
        }
        metrics.request(new RequestRecord("GET", "/v2/a/blobs/x", "blob", "registry.test", "a", "x", 200, 123, Tier.DISK,
                1_000_000, false));
        used.set(-1);
        List<StatsHistory.Sample> samples = history.samples();

        assertEquals(StatsHistory.KEPT + 1, samples.size(), "an hour of samples and the figures now");
        assertEquals(40, samples.get(0).usedBytes(), "the oldest samples went first");
        assertEquals(41 * StatsHistory.EVERY.toMillis(), samples.get(0).at());
        StatsHistory.Sample now = samples.get(samples.size() - 1);
        assertEquals(-1, now.usedBytes());
        assertEquals(1000, now.budgetBytes());
        assertEquals(Map.of("disk", 1L), now.answersByTier());
        assertEquals(123, now.servedBytes());
        assertEquals(0, samples.get(samples.size() - 2).servedBytes());
    }
}
