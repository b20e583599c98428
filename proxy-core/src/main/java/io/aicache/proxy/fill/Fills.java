package io.aicache.proxy.fill;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;

import io.aicache.storage.BlobStore;
import io.aicache.storage.Digest;
import io.aicache.storage.PartialBlob;
import io.aicache.upstream.RegistryClient;
import io.aicache.upstream.UpstreamRequest;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;

/**
 * The fill coordinator: at most one upstream transfer per digest at a time, joined by
 * every reader that asks for the blob while it lands.
 */
public final class Fills {

    /** Blob layers are stored under this type: registries serve them as opaque bytes. */
    static final String BLOB_MEDIA_TYPE = "application/octet-stream";

    private final BlobStore store;
    private final Executor storageExecutor;
    private final ScheduledExecutorService timer;
    private final int chunkSize;
    private final Duration idleTimeout;
    private final Map<Digest, Fill> active = new ConcurrentHashMap<>();

    public Fills(BlobStore store, Executor storageExecutor, ScheduledExecutorService timer, int chunkSize,
                 Duration idleTimeout) {
        this.store = store;
        this.storageExecutor = storageExecutor;
        this.timer = timer;
        this.chunkSize = chunkSize;
        this.idleTimeout = idleTimeout;
    }

    /** The fill of {@code digest} under way, if any. */
    public Optional<Fill> active(Digest digest) {
        return Optional.ofNullable(active.get(digest));
    }

    /** The fill of {@code digest}: the one under way, or a new one fetching from {@code repository} on {@code client}. */
    public Fill join(RegistryClient client, String repository, Digest digest) {
        Fill[] created = new Fill[1];
        Fill fill = active.computeIfAbsent(digest, d -> created[0] = new Fill(d));
        if (fill == created[0]) {
            start(fill, client, repository);
        }
        return fill;
    }

    private void start(Fill fill, RegistryClient client, String repository) {
        Digest digest = fill.digest();
        UpstreamRequest request = UpstreamRequest.get(repository, "/v2/" + repository + "/blobs/" + digest, Map.of());
        client.open(request).whenComplete((response, error) -> {
            if (error != null) {
                end(fill, error);
            } else if (!response.isSuccess()) {
                end(fill, new UpstreamStatusException(client.registry().name(), response.status(), response.headers()));
            } else {
                storageExecutor.execute(() -> begin(fill, response));
            }
        });
    }

    private void begin(Fill fill, UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> response) {
        long size = response.contentLength().orElse(-1);
        PartialBlob partial = null;
        SharedFile file;
        try {
            partial = store.beginFill(fill.digest(), size, chunkSize);
            file = SharedFile.open(partial.file());
        } catch (RuntimeException e) {
            if (partial != null) {
                store.abandon(partial);
            }
            response.body().subscribe(CancellingSubscriber.INSTANCE);
            end(fill, e);
            return;
        }
        fill.begin(size, file);
        response.body().subscribe(new FillWriter(fill, partial, store, storageExecutor, BLOB_MEDIA_TYPE, timer,
                idleTimeout, () -> active.remove(fill.digest(), fill)));
    }

    private void end(Fill fill, Throwable reason) {
        active.remove(fill.digest(), fill);
        fill.fail(reason instanceof java.util.concurrent.CompletionException && reason.getCause() != null
                ? reason.getCause() : reason);
    }

    /** Takes a body nobody will read and cancels it, so its connection is let go. */
    private enum CancellingSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        INSTANCE;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }
}
