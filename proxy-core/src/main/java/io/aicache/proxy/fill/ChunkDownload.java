package io.aicache.proxy.fill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.aicache.storage.StorageException;
import io.aicache.upstream.BlobRange;
import io.aicache.upstream.BodyArrival;
import io.aicache.upstream.ContentRange;
import io.aicache.upstream.DiscardedBody;
import io.aicache.upstream.UpstreamException;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;

/**
 * One chunk of a fill, fetched with a range GET and written at its offset. A connection that
 * drops or stalls is retried from the last byte received, by the fill's retry policy; an
 * upstream that ignores {@code Range} (answers 200) is read from the start and the bytes
 * before the chunk are skipped.
 *
 * <p>A chunk holds one of its fill's transfers (of {@code parallelism}) from its start until its
 * body has come off the connection: the fill's next range goes out then, while this one's last
 * bytes still wait for the disk. Until the last write, and for a retry, it is still this chunk's.
 *
 * <p>The probe is the fill's first chunk: its answer tells the blob's size (from
 * {@code Content-Range}) and whether upstream takes ranges at all, and the fill is planned
 * from it.
 */
final class ChunkDownload {

    private static final long MEANINGFUL_PROGRESS = 1 << 20;

    /** Where a chunk stands in its fill; moved under the chunk's lock, read without it. */
    private enum State {
        /** An attempt is under way, or waits to be retried: the chunk holds one of its fill's transfers. */
        TRANSFERRING,
        /** The body came off the connection and the transfer went back; the last bytes may still wait for the disk. */
        BODY_IN,
        /** All of the chunk is in the file, or the chunk was cancelled: nothing more is written. */
        FINISHED
    }

    private final FillJob job;
    private final int index;
    private final long start;
    private volatile long end;
    private volatile long written;
    /** The chunk is its fill's probe until the probe's answer planned the fill: a role, apart from where it stands. */
    private boolean probe;
    private int attempts;
    private long writtenWhenCountStarted;
    private volatile State state = State.TRANSFERRING;
    /**
     * The attempt under way, forgotten once it ends: a finished chunk stays in its fill's plan
     * until the fill ends, and its attempt would keep the upstream exchange behind it (headers,
     * futures, read buffers) in memory with it, for every chunk of the blob.
     */
    private final AtomicReference<Attempt> current = new AtomicReference<>();

    /** @param end exclusive end, or -1 while unknown (the probe, an unknown-size blob) */
    ChunkDownload(FillJob job, int index, long start, long end, boolean probe) {
        this.job = job;
        this.index = index;
        this.start = start;
        this.end = end;
        this.probe = probe;
    }

    /** A chunk that landed before a restart: nothing to fetch. */
    static ChunkDownload alreadyLanded(FillJob job, int index, long start, long end) {
        ChunkDownload chunk = new ChunkDownload(job, index, start, end, false);
        chunk.written = end - start;
        chunk.state = State.FINISHED;
        return chunk;
    }

    int index() {
        return index;
    }

    /** Where this chunk starts in the blob. */
    long offset() {
        return start;
    }

    /** Bytes of this chunk in the file, from its start. */
    long written() {
        return written;
    }

    boolean isFinished() {
        return state == State.FINISHED;
    }

    void start() {
        boolean resumed;
        synchronized (this) {
            attempts++;
            // A retry after the body had come off the connection (it was short) is a transfer again.
            resumed = state == State.BODY_IN;
            if (resumed) {
                state = State.TRANSFERRING;
            }
        }
        if (resumed) {
            job.transferResumed();
        }
        job.permits().acquire(job.host()).thenRun(this::send);
    }

    /** Gives the chunk's transfer back to its fill once, so the fill's next range can go out. */
    private void endTransfer() {
        synchronized (this) {
            if (state != State.TRANSFERRING) {
                return;
            }
            state = State.BODY_IN;
        }
        job.transferEnded();
    }

    /** Stops whatever attempt is under way; nothing more is written. */
    synchronized void cancel() {
        state = State.FINISHED;
        Attempt attempt = current.get();
        if (attempt != null) {
            attempt.stop();
        }
    }

    private synchronized void send() {
        if (isFinished() || job.isEnded()) {
            job.permits().release(job.host());
            return;
        }
        long from = start + written;
        BlobRange range = probe ? new BlobRange(0, job.chunkSize() - 1)
                : end < 0 ? BlobRange.from(from) : new BlobRange(from, end - 1);
        Attempt attempt = new Attempt(from);
        current.set(attempt);
        job.client().blob(job.repository(), job.digest(), range).whenComplete((response, failure) -> {
            if (failure != null) {
                attempt.failed(failure);
            } else {
                attempt.answered(response);
            }
        });
    }

    /** One request for this chunk, and the body it subscribes to; stale callbacks of an abandoned attempt do nothing. */
    private final class Attempt implements Flow.Subscriber<List<ByteBuffer>>, BodyArrival {
        private final long from;
        /**
         * Moved once or twice, in this order, under the attempt's lock; read without it by the write
         * steps, which must give the body up once the attempt is over.
         */
        private volatile Phase phase = Phase.FETCHING;
        private CompletableFuture<Void> steps = CompletableFuture.completedFuture(null);
        private Flow.Subscription subscription;
        private ScheduledFuture<?> watchdog;
        private volatile long lastBytesNanos = System.nanoTime();
        private long skip;

        Attempt(long from) {
            this.from = from;
        }

        /**
         * Whether the attempts since the count last started anew got well further (a quarter of the
         * chunk, or 1 MiB, in all): then the count starts anew, while an upstream that cuts every answer
         * after a few bytes still runs out of tries.
         */
        private boolean madeProgress() {
            long length = end < 0 ? Long.MAX_VALUE : end - start;
            return written - writtenWhenCountStarted >= Math.min(length / 4, MEANINGFUL_PROGRESS);
        }

        void answered(UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> response) {
            if (response.status() == 206) {
                ContentRange range = ContentRange.parse(response.header("Content-Range").orElse(null)).orElse(null);
                if (range == null || range.first() != from || (probe && range.total() < 0)) {
                    response.body().subscribe(DiscardedBody.INSTANCE);
                    failed(new UpstreamException("upstream answered range from " + from + " with Content-Range "
                            + response.header("Content-Range").orElse("(none)")));
                    return;
                }
                if (probe && !plan(range.total(), true)) {
                    response.body().subscribe(DiscardedBody.INSTANCE);
                    end();
                    return;
                }
            } else if (response.status() == 200) {
                if (probe && !plan(response.contentLength().orElse(-1), false)) {
                    response.body().subscribe(DiscardedBody.INSTANCE);
                    end();
                    return;
                }
                skip = from;
            } else if (response.status() == 416 && probe && describesEmptyBlob(response)) {
                // An empty blob has no byte 0 to range over; its digest check still decides.
                if (plan(0, true)) {
                    finishedOk();
                } else {
                    end();
                }
                return;
            } else {
                failed(new UpstreamStatusException(job.client().registry().name(), response.status(), response.headers()));
                return;
            }
            response.body().subscribe(this);
        }

        private boolean describesEmptyBlob(UpstreamResponse<?> response) {
            return response.header("Content-Range").map(String::trim).filter("bytes */0"::equals).isPresent();
        }

        private boolean plan(long size, boolean ranged) {
            probe = false;
            RangePlan plan = job.planned(ChunkDownload.this, size, ranged);
            if (plan == null) {
                return false;
            }
            end = plan.end(index);
            return true;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (phase == Phase.OVER) {
                // Stopped while the answer was on its way: its body is nobody's.
                s.cancel();
                return;
            }
            subscription = s;
            long period = Math.max(job.settings().idleTimeout().toMillis() / 4, 50);
            watchdog = job.timer().scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            then(() -> write(buffers));
        }

        /** On the connection's event loop: the connection is free, and the fill may start its next range. */
        @Override
        public void bodyArrived() {
            synchronized (this) {
                if (phase == Phase.OVER) {
                    return;
                }
                if (phase == Phase.FETCHING) {
                    moveTo(Phase.BODY_IN);
                    job.permits().release(job.host());
                }
            }
            job.timer().execute(() -> {
                // An attempt that is over meanwhile either finished (and gave its transfer back) or
                // failed, and then its retry is a transfer that must keep counting.
                if (phase != Phase.OVER) {
                    endTransfer();
                }
            });
        }

        private synchronized void moveTo(Phase next) {
            assert next.compareTo(phase) > 0 : phase + " -> " + next;
            phase = next;
        }

        @Override
        public void onError(Throwable failure) {
            then(() -> failed(failure));
        }

        @Override
        public void onComplete() {
            then(() -> {
                if (end < 0) {
                    end = start + written;
                }
                if (start + written == end) {
                    finishedOk();
                } else {
                    failed(new UpstreamException("upstream body ended at byte " + (start + written) + " of a range up to " + end));
                }
            });
        }

        private synchronized void then(Runnable step) {
            steps = steps.thenRunAsync(step, job.writes()).exceptionally(error -> {
                failed(error);
                return null;
            });
        }

        private void write(List<ByteBuffer> buffers) {
            if (phase == Phase.OVER) {
                // The buffers go back to upstream's pool only when the body is asked for more or cancelled.
                subscription.cancel();
                return;
            }
            job.received(buffers.stream().mapToLong(ByteBuffer::remaining).sum());
            try {
                for (ByteBuffer buffer : buffers) {
                    if (skip > 0) {
                        int skipped = (int) Math.min(skip, buffer.remaining());
                        buffer.position(buffer.position() + skipped);
                        skip -= skipped;
                    }
                    long room = end < 0 ? Long.MAX_VALUE : end - (start + written);
                    if (buffer.remaining() > room) {
                        buffer.limit(buffer.position() + (int) room);
                    }
                    int length = buffer.remaining();
                    job.partial().write(buffer, start + written);
                    written += length;
                }

            } catch (IOException e) {
                failed(new StorageException("cannot write the partial file of " + job.digest() + ": " + e.getMessage(), e));
                return;
            }
            lastBytesNanos = System.nanoTime();
            job.progressed();
            if (end >= 0 && start + written == end) {
                // Upstream may send more than the chunk (it ignored Range): what is needed is here.
                subscription.cancel();
                finishedOk();
            } else {
                subscription.request(1);
            }
        }

        private void finishedOk() {
            if (end()) {
                endTransfer();
                synchronized (ChunkDownload.this) {
                    state = State.FINISHED;
                }
                job.chunkDone(ChunkDownload.this);
            }
        }

        void failed(Throwable failure) {
            if (!end()) {
                return;
            }
            if (subscription != null) {
                subscription.cancel();
            }
            if (job.isEnded() || isFinished()) {
                return;
            }
            if (madeProgress()) {
                attempts = 1;
                writtenWhenCountStarted = written;
            }
            if (attempts >= job.settings().retry().attempts() || !job.settings().retry().isRetryable(failure)) {
                job.fail(failure);
                return;
            }
            Duration wait = job.settings().retry().delayBefore(attempts + 1, failure);
            job.retried(ChunkDownload.this, failure, wait);
            job.timer().schedule(ChunkDownload.this::start, wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Ends this attempt once: returns its permit and stops its watchdog. False when it had already ended. */
        private synchronized boolean end() {
            if (phase == Phase.OVER) {
                return false;
            }
            boolean holdsPermit = phase == Phase.FETCHING;
            moveTo(Phase.OVER);
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (holdsPermit) {
                job.permits().release(job.host());
            }
            current.compareAndSet(this, null);
            return true;
        }

        void stop() {
            if (end() && subscription != null) {
                // After any write under way: cancelling hands its buffers back to upstream's pool.
                then(subscription::cancel);
            }
        }

        private void checkIdle() {
            if (System.nanoTime() - lastBytesNanos > job.settings().idleTimeout().toNanos()) {
                then(() -> failed(new UpstreamException("upstream sent nothing for "
                        + job.settings().idleTimeout().toSeconds() + "s")));
            }
        }
    }

    /** Where one attempt stands. */
    private enum Phase {
        /** The request is out or its body is coming: it holds one of the host's connection permits. */
        FETCHING,
        /** The body came off the connection and the permit went back; its last bytes may still wait for the disk. */
        BODY_IN,
        /** Finished, failed or stopped: its callbacks do nothing more. */
        OVER
    }
}
