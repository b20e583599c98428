package io.aicache.upstream;

import java.time.Clock;
import java.time.Duration;

/**
 * Whether an upstream is worth asking. After {@code failuresToMarkDown} failures in a row
 * (connections refused or dropped, timeouts, 5xx) it is marked down for {@code downFor}:
 * requests fail at once, so callers serve stale data or answer quickly instead of waiting on
 * timeouts. Then one request is let through as a probe; its success marks the upstream up.
 */
public final class UpstreamHealth {

    private final boolean offline;
    private final int failuresToMarkDown;
    private final Duration downFor;
    private final Clock clock;
    private int consecutiveFailures;
    private long downUntilMillis;
    private boolean probing;
    /** Whether any request has been answered or has failed yet: before that, up and down are guesses. */
    private boolean checked;

    public UpstreamHealth(int failuresToMarkDown, Duration downFor, Clock clock) {
        this(false, failuresToMarkDown, downFor, clock);
    }

    private UpstreamHealth(boolean offline, int failuresToMarkDown, Duration downFor, Clock clock) {
        if (failuresToMarkDown < 1) {
            throw new IllegalArgumentException("failuresToMarkDown must be at least 1, got " + failuresToMarkDown);
        }
        this.offline = offline;
        this.failuresToMarkDown = failuresToMarkDown;
        this.downFor = downFor;
        this.clock = clock;
    }

    /** An upstream aicache never asks (offline mode). */
    public static UpstreamHealth offline() {
        return new UpstreamHealth(true, 1, Duration.ZERO, Clock.systemUTC());
    }

    /** True when a request may go out now (the upstream is up, or this request is the probe). */
    public synchronized boolean admit() {
        if (offline) {
            return false;
        }
        if (consecutiveFailures < failuresToMarkDown) {
            return true;
        }
        if (clock.millis() < downUntilMillis || probing) {
            return false;
        }
        probing = true;
        return true;
    }

    public synchronized void succeeded() {
        checked = true;
        consecutiveFailures = 0;
        probing = false;
    }

    public synchronized void failed() {
        checked = true;
        consecutiveFailures++;
        probing = false;
        if (consecutiveFailures >= failuresToMarkDown) {
            downUntilMillis = clock.millis() + downFor.toMillis();
        }
    }

    public synchronized boolean isDown() {
        return offline || consecutiveFailures >= failuresToMarkDown;
    }

    /** Whether a request to the upstream has been answered or has failed since start (offline: known down). */
    public synchronized boolean isChecked() {
        return offline || checked;
    }
}
