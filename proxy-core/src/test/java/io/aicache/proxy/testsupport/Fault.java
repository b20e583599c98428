package io.aicache.proxy.testsupport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Something a {@link FaultyUpstream} does wrong on purpose. A {@link Status} replaces the
 * answer; the others spoil the body of an otherwise good {@code GET}.
 */
public sealed interface Fault permits Fault.Status, Fault.Corrupt, Fault.CutAfter, Fault.Stall, Fault.Gate,
        Fault.Truncate, Fault.OverlongLength, Fault.Unframed, Fault.IgnoreRange, Fault.ShiftRange, Fault.MisplaceRange, Fault.WrongTotal {

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

    /**
     * Sends {@code bytes} of the body, then holds it until the gate lets it pass: a test can
     * count the answers held and let them go one by one (see {@link Gate}).
     */
    static Gate holdAfter(long bytes) {
        return new Gate(bytes);
    }

    /** Holds the request before anything is answered (any method, HEAD included) until the gate lets it pass. */
    static Gate holdBeforeAnswer() {
        return new Gate(-1);
    }

    /**
     * A well-framed but short body: {@code Content-Length} and the body are cut to {@code bytes},
     * while the status and {@code Content-Range} still claim the whole answer.
     */
    static Truncate truncate(long bytes) {
        return new Truncate(bytes);
    }

    /** Announces {@code extra} more bytes in {@code Content-Length} than the body has, sends the body, then drops the connection. */
    static OverlongLength overlongLength(long extra) {
        return new OverlongLength(extra);
    }

    /** Sends the body chunked, without {@code Content-Length}: only the body's end tells its size. */
    static Unframed unframed() {
        return new Unframed();
    }

    /** Answers a blob {@code GET} with {@code Range} as if there were none: 200 and the whole blob. */
    static IgnoreRange ignoreRange() {
        return new IgnoreRange();
    }

    /**
     * Answers a blob range {@code by} bytes further on than asked, with an honest
     * {@code Content-Range} (which then does not match the request).
     */
    static ShiftRange shiftRange(long by) {
        return new ShiftRange(by);
    }

    /**
     * Answers a blob range with the bytes {@code by} further on than asked, but a
     * {@code Content-Range} that claims the range asked for: only the digest can tell.
     */
    static MisplaceRange misplaceRange(long by) {
        return new MisplaceRange(by);
    }

    /** Answers a blob range with the right bytes, but a {@code Content-Range} whose total is {@code total}. */
    static WrongTotal wrongTotal(long total) {
        return new WrongTotal(total);
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

    /** Cuts the body to {@code bytes}, with a {@code Content-Length} to match. */
    record Truncate(long bytes) implements Fault {
    }

    /** Claims {@code extra} more bytes than it sends, then closes the connection. */
    record Unframed() implements Fault {
    }

    record OverlongLength(long extra) implements Fault {
    }

    /** Answers 200 with the whole blob whatever the {@code Range}. */
    record IgnoreRange() implements Fault {
    }

    /** Serves the range {@code by} bytes further on, and says so in {@code Content-Range}. */
    record ShiftRange(long by) implements Fault {
    }

    /** Serves the bytes {@code by} further on, and claims in {@code Content-Range} they are the ones asked for. */
    record MisplaceRange(long by) implements Fault {
    }

    /** Gives {@code total} as the blob's size in {@code Content-Range}. */
    record WrongTotal(long total) implements Fault {
    }

    /**
     * Holds answers until a test lets them pass. With {@link Fault#holdAfter} an answer's head
     * and first {@code bytes} are sent before it is held; with {@link Fault#holdBeforeAnswer}
     * nothing is. {@link #awaitHeld} waits until a number of answers have reached the gate in
     * all; {@link #pass} lets that many held (or future) answers through; {@link #open} lets
     * every answer through from now on. An answer is never held longer than {@code 60s}, so a
     * test that forgets to open the gate cannot hang.
     */
    final class Gate implements Fault {
        private static final long MAX_HOLD_MILLIS = 60_000;
        private final long bytes;
        private int arrived;
        private int passes;
        private boolean open;

        private Gate(long bytes) {
            this.bytes = bytes;
        }

        /** Body bytes sent before the hold, or -1 for a hold before the answer. */
        public long bytes() {
            return bytes;
        }

        boolean beforeAnswer() {
            return bytes < 0;
        }

        /** Answers that reached the gate so far (held now or let through). */
        public synchronized int arrived() {
            return arrived;
        }

        /** Waits until {@code count} answers in all have reached the gate; false when {@code timeout} passed first. */
        public synchronized boolean awaitHeld(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (arrived < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** Lets {@code count} more answers through the gate. */
        public synchronized void pass(int count) {
            passes += count;
            notifyAll();
        }

        /** Lets every answer through, now and later. */
        public synchronized void open() {
            open = true;
            notifyAll();
        }

        /** Called by the upstream at the hold point; returns when the answer may go on. */
        synchronized void hold() throws InterruptedException {
            arrived++;
            notifyAll();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_HOLD_MILLIS);
            while (!open && passes == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (!open) {
                passes--;
            }
        }
    }
}
