package io.aicache.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;

/**
 * Chooses what to let go when the store is over budget: blobs ranked by last use, with a bonus
 * for blobs used often (a layer shared by many images is one entry, refreshed by a hit from
 * any of them), skipping whatever the caller must keep (pinned, being read, being filled).
 */
final class Evictor {

    private static final Logger LOG = LoggerFactory.getLogger(Evictor.class);
    /** Each doubling of a blob's hits counts as this much more recent a use. */
    private static final long FREQUENCY_BONUS_MILLIS = 3_600_000L;

    private final BlobIndex blobs;
    private final AccessTracker accesses;

    Evictor(BlobIndex blobs, AccessTracker accesses) {
        this.blobs = blobs;
        this.accesses = accesses;
    }

    private record Candidate(BlobRecord blob, long score) {
    }

    /** The blobs to drop, least valuable first, until {@code toFree} bytes are found or none is left. */
    List<BlobRecord> choose(long toFree, Predicate<Digest> keep) {
        accesses.flush();
        List<Candidate> candidates = new ArrayList<>();
        blobs.forEachWithAccess((blob, recorded) -> {
            if (!keep.test(blob.digest())) {
                AccessRecord access = recorded == null ? new AccessRecord(blob.storedAtMillis(), 0) : recorded;
                long lastUse = Math.max(access.lastAccessMillis(), blob.storedAtMillis());
                long bonus = (63 - Long.numberOfLeadingZeros(access.hits() + 1)) * FREQUENCY_BONUS_MILLIS;
                candidates.add(new Candidate(blob, lastUse + bonus));
            }
        });
        candidates.sort(Comparator.comparingLong(Candidate::score));
        List<BlobRecord> chosen = new ArrayList<>();
        long found = 0;
        for (Candidate candidate : candidates) {
            if (found >= toFree) {
                break;
            }
            chosen.add(candidate.blob());
            found += candidate.blob().storedSize();
        }
        if (found < toFree) {
            LOG.warn("only {} of {} bytes can be freed: the rest is pinned, being read or being filled", found, toFree);
        }
        return chosen;
    }
}
