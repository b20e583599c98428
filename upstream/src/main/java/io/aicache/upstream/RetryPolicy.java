package io.aicache.upstream;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which upstream failures are worth another attempt, and how long to wait before it:
 * dropped connections, stalls, timeouts, 5xx, 408 and 429 are; 404, 401 and the like are not.
 * A {@code Retry-After} from upstream is honoured (up to {@link #maxBackoff()}); otherwise the
 * wait doubles from {@link #initialBackoff()}, with jitter so retries of many chunks spread out.
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** Whether another attempt may succeed where {@code failure} happened. */
    public boolean isRetryable(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof UpstreamDownException || cause instanceof CredentialsUnavailableException) {
            // Nothing was sent (or could be: the credentials' own source keeps its failure a few seconds):
            // waiting and asking again only delays the answer.
            return false;
        }
        if (cause instanceof UpstreamStatusException status) {
            int code = status.status();
            return code >= 500 || code == 429 || code == 408;
        }
        return cause instanceof UpstreamException || cause instanceof HttpTimeoutException || cause instanceof IOException;
    }

    /** How long to wait before attempt {@code attempt} (2 for the first retry). */
    public Duration delayBefore(int attempt, Throwable failure) {
        Optional<Duration> asked = unwrap(failure) instanceof UpstreamStatusException status
                ? status.retryAfter().flatMap(RetryPolicy::parseRetryAfter) : Optional.empty();
        if (asked.isPresent()) {
            return asked.get().compareTo(maxBackoff) > 0 ? maxBackoff : asked.get();
        }
        long base = initialBackoff.toMillis() << Math.min(attempt - 2, 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** A {@code Retry-After} value, seconds or an HTTP date, as a wait from now; empty when it is neither. */
    static Optional<Duration> parseRetryAfter(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** The failure under the completion wrappers a future chain puts around it; {@code null} stays {@code null}. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
