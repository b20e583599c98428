package io.aicache.proxy.testsupport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Something a {@link FaultyUpstream} does wrong on purpose. A {@link Status} replaces the
 * answer; the others spoil the body of an otherwise good {@code GET}.
 */
public sealed interface Fault permits Fault.Status, Fault.Corrupt, Fault.CutAfter, Fault.Stall {

    /** Answers {@code code} with a JSON error body instead of the content. */
    static Status status(int code) {
        return new Status(code, Map.of());
    }

    /** {@code 429} with {@code Retry-After}. */
    static Status tooManyRequests(String retryAfter) {
        return new Status(429, Map.of("Retry-After", retryAfter));
    }

    /** Sends the right number of bytes with one of them flipped. */
    static Corrupt corrupt() {
        return new Corrupt();
    }

    /** Announces the whole length, sends {@code bytes} of the body, then drops the connection. */
    static CutAfter cutAfter(long bytes) {
        return new CutAfter(bytes);
    }

    /** Sends {@code bytes} of the body, then holds the rest until released or {@code max} passed. */
    static Stall stallAfter(long bytes, Duration max) {
        return new Stall(bytes, max);
    }

    /** Replaces the answer with {@code code} and {@code headers}. */
    record Status(int code, Map<String, String> headers) implements Fault {
        public Status {
            headers = Map.copyOf(headers);
        }
    }

    /** Flips the byte in the middle of the body (of the range sent, for a 206). */
    record Corrupt() implements Fault {
    }

    /** Closes the connection after this many body bytes. */
    record CutAfter(long bytes) implements Fault {
    }

    /**
     * Holds the body after {@code bytes} until {@link #release()} (or {@code max}, so a test
     * that never releases cannot hang). {@link #awaitHolding} tells a test the upstream is
     * holding, that is the answer's head and first bytes are on their way.
     */
    final class Stall implements Fault {
        private final long bytes;
        private final Duration max;
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Stall(long bytes, Duration max) {
            this.bytes = bytes;
            this.max = max;
        }

        public long bytes() {
            return bytes;
        }

        public void release() {
            released.countDown();
        }

        public boolean awaitHolding(Duration timeout) throws InterruptedException {
            return holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Called by the upstream with the first bytes sent. */
        void hold() throws InterruptedException {
            holding.countDown();
            released.await(max.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
