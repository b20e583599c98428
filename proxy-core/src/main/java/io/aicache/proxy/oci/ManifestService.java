package io.aicache.proxy.oci;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.storage.BlobStore;
import io.aicache.storage.Digest;
import io.aicache.storage.HotTier;
import io.aicache.storage.TagRecord;
import io.aicache.upstream.UpstreamStatusException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET} and {@code HEAD} of manifests. By digest they are immutable and kept for good.
 * By tag they are kept for a TTL, then revalidated with a {@code HEAD} upstream; a cached tag
 * is served only when its media type is one the client accepts; when upstream cannot be
 * reached the last known manifest is served.
 */
final class ManifestService {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestService.class);

    private final BlobStore store;
    private final HotTier hotTier;
    private final Executor storageExecutor;
    private final ManifestFetcher fetcher;
    private final Duration tagTtl;
    private final Clock clock;

    ManifestService(BlobStore store, HotTier hotTier, Executor storageExecutor, ManifestFetcher fetcher,
                    Duration tagTtl, Clock clock) {
        this.store = store;
        this.hotTier = hotTier;
        this.storageExecutor = storageExecutor;
        this.fetcher = fetcher;
        this.tagTtl = tagTtl;
        this.clock = clock;
    }

    void serve(Exchange exchange, Target target, String reference) {
        List<String> accepted = MediaTypes.accepted(exchange.requestHeaderValues(HttpHeaderNames.ACCEPT));
        CompletableFuture<Manifest> manifest = Digest.looksLikeDigest(reference)
                ? byDigest(target, References.requireDigest(reference), accepted)
                : byTag(target, References.requireTag(reference), accepted);
        manifest.whenComplete((found, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(UpstreamFailures.toRegistryException(failure, ErrorCode.MANIFEST_UNKNOWN, target,
                        "manifest " + reference));
            } else {
                send(exchange, found);
            }
        }));
    }

    private CompletableFuture<Manifest> byDigest(Target target, Digest digest, List<String> accepted) {
        return local(digest).thenCompose(kept -> kept.map(CompletableFuture::completedFuture)
                .orElseGet(() -> fetchAndKeep(target, digest.toString(), accepted)));
    }

    private CompletableFuture<Manifest> byTag(Target target, String tag, List<String> accepted) {
        String tagKey = target.key() + ":" + tag;
        Optional<TagRecord> known = store.index().tag(tagKey)
                .filter(record -> MediaTypes.isAcceptable(accepted, record.mediaType()));
        if (known.isEmpty()) {
            return fetchAndKeep(target, tag, accepted);
        }
        TagRecord record = known.get();
        if (clock.millis() - record.validatedAtMillis() < tagTtl.toMillis()) {
            return localOrFetch(target, tag, record.digest(), accepted);
        }
        return fetcher.currentDigest(target, tag, accepted).handle((current, failure) -> {
            if (failure == null && current.filter(record.digest()::equals).isPresent()) {
                storageExecutor.execute(() -> store.index().putTag(tagKey, record.revalidatedAt(clock.millis())));
                return localOrFetch(target, tag, record.digest(), accepted);
            }
            if (failure == null || isNotFound(failure)) {
                return fetchAndKeep(target, tag, accepted);
            }
            LOG.warn("upstream {} could not revalidate tag {} ({}); serving the manifest last seen {}s ago",
                    target.registryName(), tagKey, UpstreamFailures.unwrap(failure).getMessage(),
                    (clock.millis() - record.validatedAtMillis()) / 1000);
            return localOrFetch(target, tag, record.digest(), accepted);
        }).thenCompose(manifest -> manifest);
    }

    private CompletableFuture<Manifest> localOrFetch(Target target, String tag, Digest digest, List<String> accepted) {
        return local(digest).thenCompose(kept -> kept.map(CompletableFuture::completedFuture)
                .orElseGet(() -> fetchAndKeep(target, tag, accepted)));
    }

    /** A kept manifest: from memory, or read from disk on the storage executor. */
    private CompletableFuture<Optional<Manifest>> local(Digest digest) {
        byte[] hot = hotTier.get(digest);
        if (hot != null) {
            return store.index().blob(digest)
                    .map(record -> CompletableFuture.completedFuture(Optional.of(new Manifest(digest, record.mediaType(), hot))))
                    .orElseGet(() -> CompletableFuture.completedFuture(Optional.empty()));
        }
        return CompletableFuture.supplyAsync(() -> store.find(digest).flatMap(blob -> store.readSmall(blob)
                .map(bytes -> {
                    hotTier.offer(digest, bytes);
                    return new Manifest(digest, blob.record().mediaType(), bytes);
                })), storageExecutor);
    }

    private CompletableFuture<Manifest> fetchAndKeep(Target target, String reference, List<String> accepted) {
        return fetcher.fetch(target, reference, accepted).thenApplyAsync(manifest -> {
            store.putSmall(manifest.digest(), manifest.bytes(), manifest.mediaType());
            hotTier.offer(manifest.digest(), manifest.bytes());
            if (!Digest.looksLikeDigest(reference)) {
                store.index().putTag(target.key() + ":" + reference, new TagRecord(manifest.digest(),
                        manifest.mediaType(), manifest.bytes().length, clock.millis()));
            }
            return manifest;
        }, storageExecutor);
    }

    private static boolean isNotFound(Throwable failure) {
        return UpstreamFailures.unwrap(failure) instanceof UpstreamStatusException status && status.status() == 404;
    }

    private static void send(Exchange exchange, Manifest manifest) {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.CONTENT_TYPE, manifest.mediaType())
                .set("Docker-Content-Digest", manifest.digest().toString())
                .set(HttpHeaderNames.ETAG, "\"" + manifest.digest() + "\"");
        exchange.sendBytes(HttpResponseStatus.OK, headers, manifest.bytes());
    }
}
