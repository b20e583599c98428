package io.aicache.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.aicache.model.Digest;

/**
 * Counts blob uses in memory and writes them to the index in batches (on a timer and before
 * eviction), so serving a hit never waits for a write.
 */
public final class AccessTracker {

    private final BlobIndex blobs;
    private volatile ConcurrentHashMap<Digest, AccessRecord> pending = new ConcurrentHashMap<>();

    AccessTracker(BlobIndex blobs) {
        this.blobs = blobs;
    }

    /** Notes one use of {@code digest} now; cheap enough for the event loop. */
    public void touched(Digest digest) {
        long now = System.currentTimeMillis();
        pending.merge(digest, new AccessRecord(now, 1), (a, b) -> a.plus(b.hits(), b.lastAccessMillis()));
    }

    /** The blob's uses: what the index holds plus what is not written yet. */
    AccessRecord current(Digest digest) {
        AccessRecord stored = blobs.access(digest).orElse(new AccessRecord(0, 0));
        AccessRecord recent = pending.get(digest);
        return recent == null ? stored : stored.plus(recent.hits(), recent.lastAccessMillis());
    }

    /** Writes what was counted since the last flush, in one batch. */
    public synchronized void flush() {
        Map<Digest, AccessRecord> batch = pending;
        if (batch.isEmpty()) {
            return;
        }
        pending = new ConcurrentHashMap<>();
        Map<Digest, AccessRecord> merged = new HashMap<>();
        batch.forEach((digest, recent) -> merged.put(digest,
                blobs.access(digest).orElse(new AccessRecord(0, 0)).plus(recent.hits(), recent.lastAccessMillis())));
        blobs.putAccesses(merged);
    }
}
