package io.aicache.proxy.fill;

import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import io.aicache.model.Repository;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;
import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;
import io.aicache.storage.PartialBlob;
import io.aicache.upstream.RegistryClient;
import io.aicache.upstream.UpstreamException;

/**
 * Fetches one blob into its fill: a probe range GET tells the size, then the blob is planned as
 * chunks fetched by up to {@code parallelism} range GETs at once (lowest chunks first, so the
 * contiguous prefix that readers follow grows from the start). The prefix is hashed in order as
 * it grows; when every chunk is in and the digest matches, the blob is committed; on any
 * failure that retries cannot mend, every byte is dropped and every reader is cut off.
 */
final class FillJob implements PrefixHasher.Progress {

    private static final Logger LOG = LoggerFactory.getLogger(FillJob.class);
    /** Hashing trails the landed prefix by at most this much, so it keeps pace without a pass per packet. */
    private static final long HASH_STEP = 4L << 20;

    /** Where the fill stands; moved once, under the job's lock, and read without it by its chunks. */
    private enum State {
        /** Probing, resuming or fetching chunks. */
        RUNNING,
        /** Every chunk is in, the digest matched and the blob is committed. */
        COMPLETE,
        /** Failed for good: every byte is dropped and every reader cut off. */
        FAILED,
        /** Stopped without failing its bytes: the partial file is kept for a later resume. */
        STOPPED
    }

    private final Fill fill;
    private final RegistryClient client;
    private final Repository repository;
    private final BlobStore store;
    private final Executor storageExecutor;
    /** Every chunk's writes to the partial file, one at a time. */
    private final Executor writes;
    private final ScheduledExecutorService timer;
    private final HostPermits permits;
    private final FillSettings settings;
    private final Consumer<FillJob> onEnd;
    private final Metrics metrics;
    private final Counter upstreamBytes;
    private final long startNanos = System.nanoTime();
    private final long startedAtMillis = System.currentTimeMillis();
    private PartialBlob partial;
    private RangePlan plan;
    private ChunkDownload[] chunks;
    private PrefixHasher hasher;
    private int nextChunk;
    private int running;
    private int done;
    private int firstIncomplete;
    private long landed;
    private long hashed;
    private volatile State state = State.RUNNING;

    FillJob(Fill fill, RegistryClient client, Repository repository, FillResources resources, Consumer<FillJob> onEnd) {
        this.fill = fill;
        this.client = client;
        this.repository = repository;
        this.store = resources.store();
        this.storageExecutor = resources.storageExecutor();
        this.writes = new SerialExecutor(storageExecutor);
        this.timer = resources.timer();
        this.permits = resources.permits();
        this.settings = resources.settings();
        this.metrics = resources.metrics();
        this.onEnd = onEnd;
        this.upstreamBytes = metrics.upstreamBytes(client.registry().name());
    }

    /** Resumes the blob's interrupted fill when one is on disk, else probes upstream; on the storage executor. */
    void start() {
        if (settings.unreadGrace() != null) {
            fill.onUnread(() -> timer.schedule(() -> {
                if (!fill.isRead()) {
                    LOG.info("nobody reads the fill of {} any more; stopping it (its partial file is kept)", fill.digest());
                    stop();
                }
            }, settings.unreadGrace().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        storageExecutor.execute(() -> {
            Optional<PartialBlob> resumable;
            try {
                resumable = store.resumeFill(fill.digest(), settings.chunkSize());
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            if (resumable.isPresent()) {
                resume(resumable.get());
            } else {
                new ChunkDownload(this, 0, 0, -1, true).start();
            }
        });
    }

    private synchronized void resume(PartialBlob reopened) {
        BitSet landedChunks = reopened.landedChunks();
        try {
            open(reopened, new RangePlan(reopened.size(), settings.chunkSize()));
        } catch (RuntimeException e) {
            partial = reopened;
            fail(e);
            return;
        }
        for (int i = landedChunks.nextSetBit(0); i >= 0 && i < chunks.length; i = landedChunks.nextSetBit(i + 1)) {
            chunks[i] = ChunkDownload.alreadyLanded(this, i, plan.start(i), plan.end(i));
            done++;
        }
        LOG.info("resuming the fill of {}: {} of {} chunks already on disk", fill.digest(), done, chunks.length);
        nextChunk = 0;
        progressed();
        if (done == chunks.length) {
            commitWhenReady();
        } else {
            startMoreChunks();
        }
    }

    /**
     * Called once by the probe with what upstream said of the blob; creates the partial file
     * and the plan. Returns {@code null} when the fill cannot go on (it has failed).
     */
    synchronized RangePlan planned(ChunkDownload probe, long size, boolean rangesWork) {
        try {
            open(store.beginFill(fill.digest(), size, settings.chunkSize()),
                    rangesWork && size >= 0 ? new RangePlan(size, settings.chunkSize()) : RangePlan.singleStream(size));
        } catch (RuntimeException e) {
            fail(e);
            return null;
        }
        chunks[0] = probe;
        nextChunk = 1;
        running = 1;
        if (!rangesWork) {
            LOG.info("upstream {} does not take range requests for {}; fetching it as one stream", host(), fill.digest());
        }
        startMoreChunks();
        return plan;
    }

    /** Takes the partial file and plan, and lets readers in. */
    private void open(PartialBlob opened, RangePlan newPlan) {
        partial = opened;
        plan = newPlan;
        hasher = new PrefixHasher(partial, fill.digest().newHasher(), storageExecutor, this);
        chunks = new ChunkDownload[plan.chunkCount()];
        fill.begin(plan.size(), SharedFile.open(partial.file()));
    }

    /** Starts the lowest chunks not yet on disk or under way, up to the parallelism. */
    private void startMoreChunks() {
        while (state == State.RUNNING && running < settings.parallelism()) {
            while (nextChunk < chunks.length && chunks[nextChunk] != null) {
                nextChunk++;
            }
            if (nextChunk >= chunks.length) {
                return;
            }
            ChunkDownload chunk = new ChunkDownload(this, nextChunk, plan.start(nextChunk), plan.end(nextChunk), false);
            chunks[nextChunk++] = chunk;
            running++;
            chunk.start();
        }
    }

    /** A chunk wrote more bytes: move the contiguous prefix on, tell readers, hash. */
    synchronized void progressed() {
        if (state != State.RUNNING || chunks == null) {
            return;
        }
        while (firstIncomplete < chunks.length && chunks[firstIncomplete] != null && chunks[firstIncomplete].isFinished()) {
            firstIncomplete++;
        }
        long prefix = firstIncomplete >= chunks.length ? plan.start(chunks.length - 1) + chunks[chunks.length - 1].written()
                : chunks[firstIncomplete] == null ? plan.start(firstIncomplete)
                : chunks[firstIncomplete].offset() + chunks[firstIncomplete].written();
        if (prefix > landed) {
            landed = prefix;
            fill.advance(prefix);
            if (landed - hashed >= HASH_STEP || done == chunks.length) {
                hasher.hashUpTo(landed);
            }
        }
    }

    /** A chunk's body came off its connection (its last bytes may still wait for the disk): the next range may go out. */
    synchronized void transferEnded() {
        running--;
        startMoreChunks();
    }

    /** A chunk whose transfer had ended goes back to upstream (a retry). */
    synchronized void transferResumed() {
        running++;
    }

    /** A chunk is whole on disk; its transfer was given back before this. */
    synchronized void chunkDone(ChunkDownload chunk) {
        if (state != State.RUNNING) {
            return;
        }
        partial.markChunkLanded(chunk.index());
        done++;
        progressed();
        if (done == chunks.length) {
            commitWhenReady();
        } else {
            startMoreChunks();
        }
    }

    /** Counts body bytes that arrived from upstream. */
    void received(long bytes) {
        upstreamBytes.increment(bytes);
    }

    void retried(ChunkDownload chunk, Throwable failure, Duration wait) {
        metrics.upstreamRetry(host());
        LOG.info("retrying chunk {} of {} from byte {} in {} ms: {}", chunk.index(), fill.digest(),
                chunk.offset() + chunk.written(), wait.toMillis(), failure.getMessage());
    }

    @Override
    public synchronized void hashed(long upTo) {
        hashed = Math.max(hashed, upTo);
        commitWhenReady();
    }

    /**
     * Commits once every chunk is in and all of it is hashed, whichever of the two happens last
     * (an empty blob has nothing to hash); until then, asks for the rest to be hashed.
     */
    private void commitWhenReady() {
        if (state != State.RUNNING || done < chunks.length) {
            return;
        }
        if (hashed < landed) {
            hasher.hashUpTo(landed);
            return;
        }
        if (!fill.digest().matches(hasher.digest())) {
            fail(new UpstreamException("upstream bytes do not match digest " + fill.digest() + "; nothing was kept"));
            return;
        }
        try {
            store.commit(partial, landed, Fills.BLOB_MEDIA_TYPE);
            // Upstream served it in this repository's scope: it belongs there.
            store.links().link(repository.blob(fill.digest()));
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        end(State.COMPLETE);
        onEnd.accept(this);
        recordEnd();
        fill.complete(landed);
    }

    @Override
    public void hashingFailed(Throwable failure) {
        fail(failure);
    }

    /** Ends the fill without keeping anything: the reason is what its readers are told. */
    synchronized void fail(Throwable reason) {
        if (state != State.RUNNING) {
            return;
        }
        end(State.FAILED);
        cancelChunks();
        LOG.warn("fill of {} from {} failed: {}", fill.digest(), host(), reason.getMessage());
        if (partial != null) {
            store.abandon(partial);
        }
        onEnd.accept(this);
        recordEnd();
        fill.fail(reason);
    }

    /**
     * Ends the fill without failing its bytes (aicache stops, or nobody reads it): the partial file is
     * closed, not deleted, so a later request or a restart resumes it.
     */
    synchronized void stop() {
        if (state != State.RUNNING) {
            return;
        }
        end(State.STOPPED);
        cancelChunks();
        if (partial != null) {
            store.suspend(partial);
        }
        onEnd.accept(this);
        recordEnd();
        fill.fail(new UpstreamException("the fill was stopped"));
    }

    /** Under the job's lock: before its chunks are cancelled, so that none starts anew. */
    private void end(State outcome) {
        assert state == State.RUNNING && outcome != State.RUNNING : state + " -> " + outcome;
        state = outcome;
    }

    /** The fill's outcome as its metric names it: complete, failed or stopped. */
    private void recordEnd() {
        String outcome = state.name().toLowerCase(Locale.ROOT);
        metrics.fillEnded(host(), outcome, landed, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private void cancelChunks() {
        if (chunks != null) {
            for (ChunkDownload chunk : chunks) {
                if (chunk != null) {
                    chunk.cancel();
                }
            }
        }
    }

    Fill fill() {
        return fill;
    }

    /** Where the fill stands now; under the job's lock, so its counts agree with each other. */
    synchronized FillProgress progress() {
        return new FillProgress(fill.digest().toString(), host(), repository.name(), fill.state().name(), fill.size(),
                // Until upstream answered the probe there is no plan, and the probe is the one range out.
                landed, chunks == null ? 1 : running, chunks == null ? 0 : chunks.length, done, fill.readers(),
                startedAtMillis);
    }

    boolean isEnded() {
        return state != State.RUNNING;
    }

    Digest digest() {
        return fill.digest();
    }

    RegistryClient client() {
        return client;
    }

    Repository repository() {
        return repository;
    }

    String host() {
        return client.registry().name();
    }

    HostPermits permits() {
        return permits;
    }

    FillSettings settings() {
        return settings;
    }

    int chunkSize() {
        return settings.chunkSize();
    }

    PartialBlob partial() {
        return partial;
    }

    /** Where chunks write what upstream sent: one write of the fill at a time, in the order the bytes came. */
    Executor writes() {
        return writes;
    }

    ScheduledExecutorService timer() {
        return timer;
    }
}
