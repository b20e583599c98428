package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** Docker Hub's limit headers, read into a budget, and when that budget says pulls should be saved. */
class RateLimitBudgetTest {

    private final MovableClock clock = new MovableClock();
    private final RateLimitBudget budget = new RateLimitBudget(clock);

    private static UpstreamHeaders headers(String... pairs) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put(pairs[i], List.of(pairs[i + 1]));
        }
        return UpstreamHeaders.of(map);
    }

    @Test
    void readsTheLimitRemainingAndSourceOfAnAnswer() {
        budget.record(200, headers("RateLimit-Limit", "100;w=21600", "RateLimit-Remaining", "76;w=21600",
                "Docker-RateLimit-Source", "192.0.2.1"));

        assertEquals(OptionalLong.of(100), budget.limit());
        assertEquals(OptionalLong.of(76), budget.remaining());
        assertEquals(Optional.of("192.0.2.1"), budget.source());
        assertEquals("76 of 100 left (source 192.0.2.1)", budget.describe());
    }

    @Test
    void anAnswerWithoutTheHeadersLeavesTheFiguresAsTheyWere() {
        budget.record(200, headers("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "5;w=21600"));
        budget.record(200, headers("Content-Type", "application/json"));
        budget.record(200, headers("ratelimit-limit", "nonsense", "ratelimit-remaining", "1"));

        assertEquals(OptionalLong.of(5), budget.remaining());
        assertEquals(OptionalLong.empty(), new RateLimitBudget(clock).limit(), "nothing said yet");
    }

    @Test
    void isLowBelowTheReserveShareOfTheLimit() {
        assertFalse(budget.isLow(0.1), "no limit announced: nothing to save");
        budget.record(200, headers("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "10;w=21600"));
        assertFalse(budget.isLow(0.1), "10 of 100 is not below a tenth");
        budget.record(200, headers("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "9;w=21600"));
        assertTrue(budget.isLow(0.1));
        assertFalse(budget.isLow(0), "a reserve of 0 saves nothing while pulls are left");
    }

    @Test
    void aTooManyRequestsAnswerExhaustsTheBudgetUntilItsRetryAfter() {
        budget.record(200, headers("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "50;w=21600"));
        budget.record(429, headers("Retry-After", "60"));

        assertEquals(1, budget.tooManyRequests());
        assertTrue(budget.isLow(0), "exhausted whatever the reserve");
        assertTrue(budget.describe().contains("429"), budget.describe());
        clock.advance(Duration.ofSeconds(61));
        assertFalse(budget.isLow(0.1), "the wait is over: the headers decide again");
    }

    /** A clock a test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
