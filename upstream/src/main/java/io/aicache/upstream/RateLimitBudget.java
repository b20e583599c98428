package io.aicache.upstream;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a registry says of its pull limit, as its answers' headers last told it: Docker Hub's
 * {@code ratelimit-limit} and {@code ratelimit-remaining} ({@code 100;w=21600}: pulls per window of
 * seconds) and {@code docker-ratelimit-source} (whom the limit counts: an address or an account). A 429
 * with {@code Retry-After} exhausts the budget until then, whatever the headers said before.
 * Thread-safe: answers update it on whichever thread sees them.
 */
public final class RateLimitBudget {

    /** One answer's figures, kept together so a reader never sees one answer's limit with another's remaining. */
    private record Reading(long limit, long remaining, String source) {
    }

    private static final Reading UNKNOWN = new Reading(-1, -1, null);

    private final Clock clock;
    private volatile Reading reading = UNKNOWN;
    private volatile long exhaustedUntilMillis;
    private final AtomicLong tooManyRequests = new AtomicLong();

    public RateLimitBudget(Clock clock) {
        this.clock = clock;
    }

    /** Takes in an answer's status and headers; answers without the limit headers leave the figures as they were. */
    void record(int status, UpstreamHeaders headers) {
        OptionalLong limit = leadingNumber(headers.firstValue("ratelimit-limit"));
        OptionalLong remaining = leadingNumber(headers.firstValue("ratelimit-remaining"));
        if (limit.isPresent() && remaining.isPresent()) {
            reading = new Reading(limit.getAsLong(), remaining.getAsLong(),
                    headers.firstValue("docker-ratelimit-source").orElse(null));
        }
        if (status == 429) {
            tooManyRequests.incrementAndGet();
            headers.firstValue("Retry-After").flatMap(RetryPolicy::parseRetryAfter)
                    .ifPresent(wait -> exhaustedUntilMillis = clock.millis() + wait.toMillis());
        }
    }

    /** The pulls the window allows, once upstream has said. */
    public OptionalLong limit() {
        long limit = reading.limit();
        return limit < 0 ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    /** The pulls left in the window, once upstream has said. */
    public OptionalLong remaining() {
        long remaining = reading.remaining();
        return remaining < 0 ? OptionalLong.empty() : OptionalLong.of(remaining);
    }

    /** Whom upstream counts the pulls of ({@code docker-ratelimit-source}), if it said. */
    public Optional<String> source() {
        return Optional.ofNullable(reading.source());
    }

    /** Answers 429 since start. */
    public long tooManyRequests() {
        return tooManyRequests.get();
    }

    /**
     * Whether pulls should be saved: a 429's {@code Retry-After} has not passed yet, or fewer than
     * {@code reserve} (a share of the limit) are left.
     */
    public boolean isLow(double reserve) {
        if (clock.millis() < exhaustedUntilMillis) {
            return true;
        }
        Reading now = reading;
        return now.limit() > 0 && now.remaining() >= 0 && now.remaining() < reserve * now.limit();
    }

    /** What the budget stands at, for logs: {@code 8 of 100 left (source 192.0.2.1)}, or the 429's wait. */
    public String describe() {
        long until = exhaustedUntilMillis;
        if (clock.millis() < until) {
            return "upstream answered 429 and asked to wait until " + Instant.ofEpochMilli(until);
        }
        Reading now = reading;
        if (now.limit() < 0) {
            return "no limit announced";
        }
        return now.remaining() + " of " + now.limit() + " left" + (now.source() == null ? "" : " (source " + now.source() + ")");
    }

    /** The number a limit header starts with ({@code 76} of {@code 76;w=21600}). */
    private static OptionalLong leadingNumber(Optional<String> value) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        String text = value.get().trim();
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text.substring(0, end)));
        } catch (NumberFormatException tooLong) {
            return OptionalLong.empty();
        }
    }
}
