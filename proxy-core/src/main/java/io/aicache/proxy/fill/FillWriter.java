package io.aicache.proxy.fill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.storage.BlobStore;
import io.aicache.storage.PartialBlob;
import io.aicache.upstream.UpstreamException;

/**
 * Writes one upstream body into a fill's partial file, in order, hashing as it goes; at the
 * end checks the length and the digest and either commits the blob or drops every byte.
 *
 * <p>Each step runs on the storage executor, one after another (steps are chained), and
 * the next body part is requested only when the previous one is on disk: upstream is read
 * no faster than the disk takes it, so memory does not grow with the blob.
 */
final class FillWriter implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Logger LOG = LoggerFactory.getLogger(FillWriter.class);

    private final Fill fill;
    private final PartialBlob partial;
    private final BlobStore store;
    private final Executor storageExecutor;
    private final String mediaType;
    private final Runnable onEnd;
    private final MessageDigest hasher;
    private final ScheduledFuture<?> watchdog;
    private final long idleNanos;
    private CompletableFuture<Void> steps = CompletableFuture.completedFuture(null);
    private Flow.Subscription subscription;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean ended;
    private long position;
    private int nextChunk;

    FillWriter(Fill fill, PartialBlob partial, BlobStore store, Executor storageExecutor, String mediaType,
               ScheduledExecutorService timer, Duration idleTimeout, Runnable onEnd) {
        this.fill = fill;
        this.partial = partial;
        this.store = store;
        this.storageExecutor = storageExecutor;
        this.mediaType = mediaType;
        this.onEnd = onEnd;
        this.hasher = fill.digest().newHasher();
        this.idleNanos = idleTimeout.toNanos();
        long period = Math.max(idleTimeout.toMillis() / 4, 50);
        this.watchdog = timer.scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        then(() -> write(buffers));
    }

    @Override
    public void onError(Throwable error) {
        then(() -> fail(new UpstreamException("upstream body failed: " + error.getMessage(), error)));
    }

    @Override
    public void onComplete() {
        then(this::finish);
    }

    private synchronized void then(Runnable step) {
        steps = steps.thenRunAsync(step, storageExecutor).exceptionally(error -> {
            fail(error);
            return null;
        });
    }

    private void write(List<ByteBuffer> buffers) {
        if (ended) {
            return;
        }
        try {
            for (ByteBuffer buffer : buffers) {
                hasher.update(buffer.duplicate());
                int length = buffer.remaining();
                partial.write(buffer, position);
                position += length;
            }
        } catch (IOException e) {
            fail(new IOException("cannot write the partial file of " + fill.digest() + ": " + e.getMessage(), e));
            return;
        }
        long size = fill.size();
        if (size >= 0 && position > size) {
            fail(new UpstreamException("upstream sent more than the " + size + " bytes it announced"));
            return;
        }
        markLandedChunks(false);
        lastProgressNanos = System.nanoTime();
        fill.advance(position);
        subscription.request(1);
    }

    private void finish() {
        if (ended) {
            return;
        }
        long size = fill.size();
        if (size >= 0 && position != size) {
            fail(new UpstreamException("upstream body ended after " + position + " of " + size + " bytes"));
            return;
        }
        if (!fill.digest().matches(hasher.digest())) {
            fail(new UpstreamException("upstream bytes do not match digest " + fill.digest() + "; nothing was kept"));
            return;
        }
        markLandedChunks(true);
        try {
            store.commit(partial, position, mediaType);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        ended = true;
        watchdog.cancel(false);
        onEnd.run();
        fill.complete(position);
    }

    private void markLandedChunks(boolean atEnd) {
        int chunkSize = partial.chunkSize();
        while ((long) (nextChunk + 1) * chunkSize <= position || (atEnd && (long) nextChunk * chunkSize < position)) {
            partial.markChunkLanded(nextChunk++);
        }
    }

    private void fail(Throwable reason) {
        if (ended) {
            return;
        }
        ended = true;
        watchdog.cancel(false);
        if (subscription != null) {
            subscription.cancel();
        }
        LOG.warn("fill of {} failed: {}", fill.digest(), reason.getMessage());
        store.abandon(partial);
        onEnd.run();
        fill.fail(reason);
    }

    private void checkIdle() {
        if (!ended && System.nanoTime() - lastProgressNanos > idleNanos) {
            then(() -> fail(new UpstreamException("upstream sent nothing for " + Duration.ofNanos(idleNanos).toSeconds() + "s")));
        }
    }
}
