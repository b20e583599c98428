package io.aicache.proxy.oci;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;
import io.aicache.model.MediaTypes;
import io.aicache.model.TagReference;
import io.aicache.model.Tier;
import io.aicache.proxy.config.ManifestsConfig;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HotTier;
import io.aicache.storage.TagRecord;
import io.aicache.upstream.RetryPolicy;
import io.aicache.upstream.UpstreamDownException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET} and {@code HEAD} of manifests. By digest they are immutable and kept for good.
 * By tag they are kept for a TTL (per tag pattern), then revalidated with a {@code HEAD}
 * upstream (one at a time per tag); within {@code staleWhileRevalidate} the kept manifest is
 * served at once while that happens; when upstream is down or answers 5xx or 429, the kept
 * manifest is served for up to {@code staleIfError} with a {@code Warning} giving its age. A
 * kept tag is served only when its media type is one the client accepts.
 *
 * <p>A registry whose pull budget is low ({@link PullBudget}) is still asked with the {@code HEAD},
 * which Docker Hub does not count; when that does not confirm the kept digest, the kept manifest is
 * served within {@code staleIfError}, with the same {@code Warning}, rather than spending a {@code GET}
 * on the new one. A tag aicache does not keep is fetched whatever the budget: there is nothing else
 * to serve.
 */
final class ManifestService {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestService.class);
    /** Classifies revalidation failures: those a retry could mend are the ones stale data may cover. */
    private static final RetryPolicy TRANSIENT = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    private final BlobStore store;
    private final HotTier hotTier;
    private final Executor storageExecutor;
    private final ManifestFetcher fetcher;
    private final ManifestsConfig config;
    private final boolean offline;
    private final Clock clock;
    private final Metrics metrics;
    private final Function<String, Duration> registryTtls;
    private final PullBudget budget;
    private final RepositoryLinks links;
    private final InFlight<Answer> revalidations = new InFlight<>();
    private volatile BiConsumer<Target, Manifest> onKept = (target, manifest) -> { };

    /** @param registryTtls the tag TTL a registry sets, by its name (null: none of its own) */
    ManifestService(BlobStore store, HotTier hotTier, Executor storageExecutor, ManifestFetcher fetcher,
                    ManifestsConfig config, Function<String, Duration> registryTtls, PullBudget budget, RepositoryLinks links,
                    boolean offline, Clock clock, Metrics metrics) {
        this.links = links;
        this.registryTtls = registryTtls;
        this.budget = budget;
        this.metrics = metrics;
        this.store = store;
        this.hotTier = hotTier;
        this.storageExecutor = storageExecutor;
        this.fetcher = fetcher;
        this.config = config;
        this.offline = offline;
        this.clock = clock;
    }

    void serve(Exchange exchange, Target target, String reference) {
        List<String> accepted = MediaTypes.accepted(exchange.requestHeaderValues(HttpHeaderNames.ACCEPT));
        answer(target, reference, accepted).whenComplete((found, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(UpstreamFailures.toRegistryException(failure, ErrorCode.MANIFEST_UNKNOWN, target,
                        "manifest " + reference));
            } else {
                if (found.spared()) {
                    metrics.budgetStaleServed(target.registryName());
                } else if (found.staleAge() != null) {
                    metrics.staleServed(target.registryName());
                }
                if (found.tier() != Tier.UPSTREAM) {
                    store.accesses().touched(found.manifest().digest());
                }
                exchange.tier(found.tier());
                send(exchange, found);
            }
        }));
    }

    /**
     * The manifest {@code reference} names, in any media type, looked up and kept exactly as a
     * client's pull would (tag TTLs, revalidation and stale answers included).
     */
    CompletableFuture<Manifest> resolve(Target target, String reference) {
        return answer(target, reference, MediaTypes.ALL_MANIFESTS).thenApply(found -> {
            if (found.tier() != Tier.UPSTREAM) {
                store.accesses().touched(found.manifest().digest());
            }
            return found.manifest();
        });
    }

    private CompletableFuture<Answer> answer(Target target, String reference, List<String> accepted) {
        return Digest.looksLikeDigest(reference)
                ? byDigest(target, References.requireDigest(reference), accepted)
                : byTag(target, References.requireTag(reference), accepted).thenCompose(found -> linked(target, found));
    }

    /**
     * A kept manifest is served by digest under a repository only when linked to it (a tag of it resolved
     * to it, an index of it references it, or upstream answered for it there); otherwise upstream is asked
     * with a {@code HEAD} in that repository first, and what it says is the answer.
     */
    private CompletableFuture<Answer> byDigest(Target target, Digest digest, List<String> accepted) {
        return local(digest).thenCompose(kept -> {
            if (kept.isEmpty()) {
                return fetchAndKeep(target, digest.toString(), accepted);
            }
            if (links.isLinked(target.repository(), digest)) {
                return CompletableFuture.completedFuture(kept.get());
            }
            metrics.linkConfirmation("manifest");
            return links.confirmManifest(target, digest).thenApply(confirmed -> kept.get());
        });
    }

    /**
     * A tag's manifest belongs to the tag's repository, and so does what it references: linked before it is
     * answered, for tags kept before there were links (once; after that it is linked when kept).
     */
    private CompletableFuture<Answer> linked(Target target, Answer found) {
        if (links.isLinked(target.repository(), found.manifest().digest())) {
            return CompletableFuture.completedFuture(found);
        }
        return CompletableFuture.runAsync(() -> links.linkManifest(target.repository(), found.manifest().digest()),
                storageExecutor).thenApply(done -> found);
    }

    private CompletableFuture<Answer> byTag(Target target, String tag, List<String> accepted) {
        TagReference tagKey = target.repository().tag(tag);
        Optional<TagRecord> known = store.tags().get(tagKey)
                .filter(record -> MediaTypes.isAcceptable(accepted, record.mediaType()));
        if (known.isEmpty()) {
            return fetchAndKeep(target, tag, accepted);
        }
        TagRecord record = known.get();
        Duration age = Duration.ofMillis(Math.max(0, clock.millis() - record.validatedAtMillis()));
        Duration ttl = config.ttlOf(tag, registryTtls.apply(target.registryName()));
        if (age.compareTo(ttl) < 0) {
            return localOrFetch(target, tag, record.digest(), accepted);
        }
        if (offline) {
            return keptStale(record.digest(), age, "aicache is offline",
                    new UpstreamDownException(target.registryName() + " (aicache is offline)"));
        }
        boolean mayServeKept = age.compareTo(ttl.plus(config.staleIfError())) < 0;
        CompletableFuture<Answer> revalidated = revalidate(target, tag, tagKey, record, accepted, age, mayServeKept);
        if (age.compareTo(ttl.plus(config.staleWhileRevalidate())) < 0) {
            return localOrFetch(target, tag, record.digest(), accepted);
        }
        return revalidated.exceptionallyCompose(failure -> {
            if (!TRANSIENT.isRetryable(failure) && !(UpstreamFailureTranslator.unwrap(failure) instanceof UpstreamDownException)
                    || age.compareTo(ttl.plus(config.staleIfError())) >= 0) {
                return CompletableFuture.failedFuture(failure);
            }
            String reason = UpstreamFailureTranslator.unwrap(failure).getMessage();
            LOG.warn("serving tag {} last confirmed {}s ago: upstream could not revalidate it ({})",
                    tagKey, age.toSeconds(), reason);
            return keptStale(record.digest(), age, reason, failure);
        });
    }

    /**
     * The kept manifest, marked stale; {@code otherwise} when it was evicted, since upstream, which could not
     * revalidate the tag, is not asked again for its manifest.
     */
    private CompletableFuture<Answer> keptStale(Digest digest, Duration age, String reason, Throwable otherwise) {
        return local(digest).thenCompose(kept -> kept
                .map(answer -> CompletableFuture.completedFuture(answer.stale(age, reason)))
                .orElseGet(() -> CompletableFuture.failedFuture(otherwise)));
    }

    /**
     * Asks upstream whether the tag moved; one question per tag at a time, however many clients wait.
     *
     * @param mayServeKept whether the kept manifest is still within {@code staleIfError}, and so may be served
     *                     in place of a new one while the registry's budget is low
     */
    private CompletableFuture<Answer> revalidate(Target target, String tag, TagReference tagKey, TagRecord record,
                                                 List<String> accepted, Duration age, boolean mayServeKept) {
        // Clients with different Accept headers may need different manifests of one tag.
        return revalidations.join(tagKey + "|" + String.join(",", accepted), () ->
                fetcher.currentDigest(target, tag, accepted).thenCompose(current -> {
                    if (current.filter(record.digest()::equals).isPresent()) {
                        return CompletableFuture.runAsync(() -> store.tags().put(tagKey,
                                record.revalidatedAt(clock.millis())), storageExecutor)
                                .thenCompose(ignored -> localOrFetch(target, tag, record.digest(), accepted));
                    }
                    if (mayServeKept && budget.isLow(target)) {
                        String reason = "upstream's rate-limit budget is low ("
                                + target.client().rateLimit().describe() + "): the kept manifest is served";
                        return local(record.digest()).thenCompose(kept -> kept
                                .map(answer -> CompletableFuture.completedFuture(answer.spared(age, reason)))
                                .orElseGet(() -> fetchAndKeep(target, tag, accepted)));
                    }
                    return fetchAndKeep(target, tag, accepted);
                }));
    }

    private CompletableFuture<Answer> localOrFetch(Target target, String tag, Digest digest, List<String> accepted) {
        return local(digest).thenCompose(kept -> kept.map(CompletableFuture::completedFuture)
                .orElseGet(() -> fetchAndKeep(target, tag, accepted)));
    }

    /** A kept manifest: from memory, or read from disk on the storage executor. */
    private CompletableFuture<Optional<Answer>> local(Digest digest) {
        byte[] hot = hotTier.get(digest);
        if (hot != null) {
            return CompletableFuture.completedFuture(store.blobs().get(digest)
                    .map(record -> Answer.of(new Manifest(digest, record.mediaType(), hot), Tier.MEMORY)));
        }
        return CompletableFuture.supplyAsync(() -> store.find(digest).flatMap(blob -> store.readSmall(blob)
                .map(bytes -> {
                    hotTier.offer(digest, bytes);
                    return Answer.of(new Manifest(digest, blob.record().mediaType(), bytes), Tier.DISK);
                })), storageExecutor);
    }

    private CompletableFuture<Answer> fetchAndKeep(Target target, String reference, List<String> accepted) {
        if (offline) {
            return CompletableFuture.failedFuture(new UpstreamDownException(target.registryName() + " (aicache is offline)"));
        }
        return fetcher.fetch(target, reference, accepted).thenApplyAsync(manifest -> {
            store.putSmall(manifest.digest(), manifest.bytes(), manifest.mediaType());
            hotTier.offer(manifest.digest(), manifest.bytes());
            links.linkManifest(target.repository(), manifest.digest());
            if (!Digest.looksLikeDigest(reference)) {
                store.tags().put(target.repository().tag(reference), new TagRecord(manifest.digest(),
                        manifest.mediaType(), manifest.bytes().length, clock.millis()));
            }
            onKept.accept(target, manifest);
            return Answer.of(manifest, Tier.UPSTREAM);
        }, storageExecutor);
    }

    /** Tells {@code listener} (on the storage executor) of every manifest fetched from upstream and kept. */
    void onKept(BiConsumer<Target, Manifest> listener) {
        this.onKept = listener;
    }

    private static void send(Exchange exchange, Answer answer) {
        Manifest manifest = answer.manifest();
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.CONTENT_TYPE, manifest.mediaType())
                .set("Docker-Content-Digest", manifest.digest().toString())
                .set(HttpHeaderNames.ETAG, "\"" + manifest.digest() + "\"");
        if (answer.staleAge() != null) {
            long seconds = answer.staleAge().toSeconds();
            headers.set(HttpHeaderNames.AGE, seconds)
                    .set(HttpHeaderNames.WARNING, "110 aicache \"Response is stale: tag last confirmed upstream "
                            + seconds + "s ago; " + shorten(answer.reason()).replace('"', '\'') + "\"");
        }
        exchange.sendBytes(HttpResponseStatus.OK, headers, manifest.bytes());
    }

    private static String shorten(String reason) {
        return reason == null ? "" : reason.length() <= 200 ? reason : reason.substring(0, 200);
    }

    /**
     * A manifest to send, where it came from, and when it is served stale, how old it is and why, and whether
     * it was served to spare a low pull budget (rather than because upstream could not answer).
     */
    private record Answer(Manifest manifest, Tier tier, Duration staleAge, String reason, boolean spared) {
        static Answer of(Manifest manifest, Tier tier) {
            return new Answer(manifest, tier, null, null, false);
        }

        Answer stale(Duration age, String why) {
            return new Answer(manifest, Tier.STALE, age, why, false);
        }

        Answer spared(Duration age, String why) {
            return new Answer(manifest, Tier.STALE, age, why, true);
        }
    }
}
