package io.aicache.proxy.oci;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;
import io.aicache.model.Tier;
import io.aicache.proxy.fill.Fill;
import io.aicache.proxy.fill.Fills;
import io.aicache.proxy.http.ByteRange;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.FileBody;
import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HotTier;
import io.aicache.storage.StoredBlob;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * {@code GET} and {@code HEAD} of blobs: from disk when kept (zero-copy on plain sockets), else from the
 * blob's fill, which every concurrent reader shares. A {@code HEAD} of a blob that is not
 * kept asks upstream for its size and fetches nothing.
 *
 * <p>A kept blob (in memory, on disk, or landing in a fill another repository started) is served
 * under a repository only when it is linked to it ({@link RepositoryLinks}); otherwise upstream is
 * asked first, in that repository's scope, and what it says is the answer: no byte of the blob is
 * sent before it confirmed it.
 */
final class BlobService {

    private static final Logger LOG = LoggerFactory.getLogger(BlobService.class);

    private final BlobStore store;
    private final Fills fills;
    private final Metrics metrics;
    private final HotTier hotTier;
    private final Executor storageExecutor;
    private final RepositoryLinks links;

    BlobService(BlobStore store, HotTier hotTier, Executor storageExecutor, Fills fills, RepositoryLinks links,
                Metrics metrics) {
        this.store = store;
        this.links = links;
        this.hotTier = hotTier;
        this.storageExecutor = storageExecutor;
        this.fills = fills;
        this.metrics = metrics;
    }

    void serve(Exchange exchange, Target target, Digest digest, ByteRange range) {
        if (!links.isLinked(target.repository(), digest) && heldForOthers(target, digest)) {
            confirmThenServe(exchange, target, digest, range);
            return;
        }
        serveLinked(exchange, target, digest, range);
    }

    /** Whether aicache holds the blob, or is fetching it for another repository: then it is not this one's to serve yet. */
    private boolean heldForOthers(Target target, Digest digest) {
        return hotTier.get(digest) != null || store.blobs().get(digest).isPresent()
                || fills.active(digest).filter(fill -> !fill.repository().equals(target.repository())).isPresent();
    }

    /** Asks upstream whether the blob is in the target's repository; serves it from the cache only if so. */
    private void confirmThenServe(Exchange exchange, Target target, Digest digest, ByteRange range) {
        metrics.linkConfirmation("blob");
        links.confirmBlob(target, digest).whenComplete((linked, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(UpstreamFailures.toRegistryException(failure, ErrorCode.BLOB_UNKNOWN, target, "blob " + digest));
            } else {
                serve(exchange, target, digest, range);
            }
        }));
    }

    /** The blob is the target repository's to serve, or aicache holds nothing of it. */
    private void serveLinked(Exchange exchange, Target target, Digest digest, ByteRange range) {
        byte[] hot = hotTier.get(digest);
        if (hot != null) {
            sendFromMemory(exchange, Tier.MEMORY, digest, hot, range);
            return;
        }
        Optional<StoredBlob> stored = store.find(digest);
        if (stored.isPresent() && stored.get().record().compressed()) {
            sendDecompressed(exchange, target, stored.get(), range);
            return;
        }
        if (stored.isPresent() && sendStored(exchange, stored.get(), range)) {
            return;
        }
        serveMiss(exchange, target, digest, range);
    }

    /** Not kept (or its file is unusable): from the blob's fill, or a HEAD from upstream. */
    private void serveMiss(Exchange exchange, Target target, Digest digest, ByteRange range) {
        Optional<Fill> active = fills.active(digest);
        if (exchange.isHead() && active.isEmpty()) {
            headFromUpstream(exchange, target, digest);
            return;
        }
        if (active.isEmpty() && store.shortOfSpace()) {
            metrics.passThroughPull();
            PassThrough.serve(exchange, target, digest, range);
            return;
        }
        // Asked of the join, not of the check above: two readers can both find no fill and race to start it.
        Fills.Joined joined = fills.join(target.client(), target.repository(), digest);
        if (joined.shared() && !joined.fill().repository().equals(target.repository())
                && !links.isLinked(target.repository(), digest)) {
            // Another repository's request started it meanwhile: not joined before upstream confirms it here.
            confirmThenServe(exchange, target, digest, range);
            return;
        }
        if (joined.shared()) {
            exchange.tier(Tier.FILL);
            metrics.coalescedReader();
        } else {
            exchange.tier(Tier.UPSTREAM);
        }
        new FillFollower(exchange, joined.fill(), range, target, () -> serve(exchange, target, digest, range)).start();
    }

    /**
     * Makes sure the blob is kept, the way a client's pull would: true when it had to come
     * from upstream (through its fill, shared with anyone pulling it now), false when it was
     * kept already. {@code landed} hears how many bytes of a fetched blob are in.
     */
    CompletableFuture<Boolean> warm(Target target, Digest digest, LongConsumer landed) {
        if (store.find(digest).isPresent()) {
            store.accesses().touched(digest);
            return CompletableFuture.completedFuture(false);
        }
        Fill fill = fills.join(target.client(), target.repository(), digest).fill();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Runnable follower = () -> {
            if (fill.isComplete()) {
                done.complete(true);
            } else if (fill.isFailed()) {
                done.completeExceptionally(fill.failure());
            } else {
                landed.accept(fill.landed());
            }
        };
        fill.addListener(follower);
        follower.run();
        done.whenComplete((fetched, failure) -> fill.removeListener(follower));
        return done;
    }

    /**
     * A small blob kept LZ4-compressed: read and decompressed off the event loop, then served from
     * memory (ranges included) and kept in the hot tier. A damaged file is dropped and fetched again.
     */
    private void sendDecompressed(Exchange exchange, Target target, StoredBlob blob, ByteRange range) {
        Digest digest = blob.record().digest();
        storageExecutor.execute(() -> {
            Optional<byte[]> bytes = store.readSmall(blob);
            exchange.onLoop(() -> {
                if (bytes.isEmpty()) {
                    serveMiss(exchange, target, digest, range);
                    return;
                }
                hotTier.offer(digest, bytes.get());
                sendFromMemory(exchange, Tier.DISK, digest, bytes.get(), range);
            });
        });
    }

    /** A small blob (a config) from memory: no file is sent. */
    private void sendFromMemory(Exchange exchange, Tier tier, Digest digest, byte[] bytes, ByteRange range) {
        long[] selected = selectOrRefuse(exchange, bytes.length, range);
        if (range != null && selected == null) {
            return;
        }
        exchange.tier(tier);
        store.accesses().touched(digest);
        exchange.write(BlobHeaders.head(exchange, digest, bytes.length, selected));
        if (!exchange.isHead()) {
            int start = selected == null ? 0 : (int) selected[0];
            int count = selected == null ? bytes.length : (int) (selected[1] - selected[0] + 1);
            exchange.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes, start, count)));
            exchange.sent(count);
        }
        exchange.end();
    }

    /** The range's bytes in a blob of {@code size}; answers 416 and returns {@code null} when it selects none. */
    private static long[] selectOrRefuse(Exchange exchange, long size, ByteRange range) {
        if (range == null) {
            return null;
        }
        long[] selected = range.resolve(size);
        if (selected == null) {
            exchange.sendError(BlobHeaders.unsatisfiable(size));
        }
        return selected;
    }

    /** False when the file could not be opened (it vanished): the caller treats the blob as a miss. */
    private boolean sendStored(Exchange exchange, StoredBlob blob, ByteRange range) {
        long size = blob.record().size();
        long[] selected = selectOrRefuse(exchange, size, range);
        if (range != null && selected == null) {
            return true;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(blob.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            LOG.warn("kept blob {} cannot be opened ({}); fetching it again", blob.record().digest(), e.getMessage());
            return false;
        }
        exchange.tier(Tier.DISK);
        store.accesses().touched(blob.record().digest());
        exchange.write(BlobHeaders.head(exchange, blob.record().digest(), size, selected));
        if (exchange.isHead()) {
            FileBody.closeQuietly(channel);
        } else {
            long start = selected == null ? 0 : selected[0];
            long count = selected == null ? size : selected[1] - selected[0] + 1;
            BlobStore.Lease lease = store.lease(blob.record().digest());
            exchange.write(FileBody.of(exchange.channel(), channel, start, count)).addListener(f -> {
                lease.close();
                exchange.sent(f.isSuccess() ? count : 0);
            });
        }
        exchange.end();
        if (size <= hotTier.maxObjectBytes()) {
            storageExecutor.execute(() -> store.readSmall(blob).ifPresent(bytes -> hotTier.offer(blob.record().digest(), bytes)));
        }
        return true;
    }

    private void headFromUpstream(Exchange exchange, Target target, Digest digest) {
        links.headBlob(target, digest).whenComplete((response, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(UpstreamFailures.toRegistryException(failure, ErrorCode.BLOB_UNKNOWN, target, "blob " + digest));
                return;
            }
            exchange.tier(Tier.UPSTREAM);
            exchange.write(BlobHeaders.head(exchange, digest, response.contentLength().orElse(-1), null));
            exchange.end();
        }));
    }
}
