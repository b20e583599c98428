package io.aicache.proxy.oci;

import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

import io.aicache.model.Digest;
import io.aicache.proxy.access.AccessGate;
import io.aicache.proxy.config.ManifestsConfig;
import io.aicache.proxy.fill.Fills;
import io.aicache.proxy.http.ByteRange;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HotTier;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The OCI Distribution API: checks the method and the path, picks the upstream, and hands
 * the request to the manifest, blob or listing service. Every refusal is the spec's JSON
 * error with the right status.
 */
public final class OciApi {

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamSelector selector;
    private final ManifestService manifests;
    private final BlobService blobs;
    private final ListingService listings;
    private final NameRules rules;
    private final AccessGate access;

    /**
     * @param registryTtls the tag TTL a registry sets, by its name (null: none of its own)
     * @param rules        the names mirrored: checked before the cache or upstream is asked
     * @param rateLimitReserve the share of a registry's pull limit kept back ({@code upstream.rateLimit.reserve})
     * @param access       who may pull what on the registry listener: checked first of all
     */
    public OciApi(UpstreamSelector selector, NameRules rules, BlobStore store, HotTier hotTier, Fills fills,
                  Executor storageExecutor, ManifestsConfig manifestsConfig, Function<String, Duration> registryTtls,
                  double rateLimitReserve, boolean offline, Metrics metrics, AccessGate access) {
        Clock clock = Clock.systemUTC();
        this.selector = selector;
        this.rules = rules;
        this.access = access;
        ManifestFetcher fetcher = new ManifestFetcher(manifestsConfig.maxBytes().bytes(), manifestsConfig.notFoundTtl());
        RepositoryLinks links = new RepositoryLinks(store.links(), new ManifestGraph(store), storageExecutor);
        this.manifests = new ManifestService(store, hotTier, storageExecutor, fetcher, manifestsConfig, registryTtls,
                new PullBudget(rateLimitReserve), links, offline, clock, metrics);
        this.blobs = new BlobService(store, hotTier, storageExecutor, fills, links, metrics);
        this.listings = new ListingService(store, storageExecutor, manifestsConfig.tagTtl(), clock);
    }

    /** The upstream repository an image name ({@code registry/repository}) is pulled from. */
    public Target target(String registry, String repository) {
        return selector.select(repository, registry);
    }

    /** The manifest {@code reference} names, kept as a client's pull would keep it. */
    public CompletableFuture<Manifest> manifest(Target target, String reference) {
        try {
            rules.check(target.repository(), reference);
        } catch (RegistryException denied) {
            return CompletableFuture.failedFuture(denied);
        }
        return manifests.resolve(target, reference);
    }

    /**
     * Makes sure a blob is kept, as a client's pull would: true when it was fetched from
     * upstream, false when it was kept already; {@code landed} hears the bytes in so far.
     */
    public CompletableFuture<Boolean> warmBlob(Target target, Digest digest, LongConsumer landed) {
        try {
            rules.check(target.repository(), digest.toString());
        } catch (RegistryException denied) {
            return CompletableFuture.failedFuture(denied);
        }
        return blobs.warm(target, digest, landed);
    }

    /**
     * Tells {@code listener} of every manifest fetched from upstream and kept (once per manifest,
     * on the storage executor): chart-driven prefetch learns of OCI charts this way.
     */
    public void onManifestKept(BiConsumer<Target, Manifest> listener) {
        manifests.onKept(listener);
    }

    /** Answers one {@code /v2/...} request; throws {@link RegistryException} for refusals. */
    public void handle(Exchange exchange, FullHttpRequest request) {
        handle(exchange, request, null);
    }

    /**
     * Answers one {@code /v2/...} request for {@code registry}, whatever the request names: the
     * CONNECT proxy knows the registry from the host the client connected to.
     */
    public void handleFor(String registry, Exchange exchange, FullHttpRequest request) {
        handle(exchange, request, registry);
    }

    private void handle(Exchange exchange, FullHttpRequest request, String registry) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        OciRoute route = OciRoute.parse(uri.path());
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method) || route.kind() == OciRoute.Kind.BLOB_UPLOAD) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "aicache is a read-only mirror: "
                    + method + " " + uri.path() + " is not supported");
        }
        String routeName = route.kind().name().toLowerCase(Locale.ROOT);
        exchange.route(routeName);
        // The CONNECT proxy's clients reach it through credentials of its own; access is the registry listener's.
        AccessGate gate = registry == null ? access : AccessGate.OPEN;
        if (route.kind() == OciRoute.Kind.BASE) {
            whenAdmitted(exchange, gate.admitBase(exchange), () -> exchange.sendBytes(HttpResponseStatus.OK,
                    new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "application/json"), EMPTY_JSON));
            return;
        }
        Map<String, List<String>> parameters = uri.parameters();
        String namespace = parameters.getOrDefault("ns", List.of()).stream().findFirst().orElse(null);
        Target target = selector.select(route.name(), registry != null ? registry : namespace);
        if (namespace != null && registry == null) {
            exchange.echoNamespace(namespace);
        }
        String reference = route.reference().isEmpty() ? null : route.reference();
        exchange.describe(routeName, target.registryName(), target.repository().name(), reference);
        String range = request.headers().get(HttpHeaderNames.RANGE);
        whenAdmitted(exchange, gate.admit(exchange, route.name(), target.repository(), reference), () -> {
            rules.check(target.repository(), route.kind() == OciRoute.Kind.TAGS_LIST ? null : route.reference());
            switch (route.kind()) {
                case MANIFEST -> manifests.serve(exchange, target, route.reference());
                case BLOB -> blobs.serve(exchange, target, References.requireDigest(route.reference()), ByteRange.parse(range));
                case TAGS_LIST -> listings.tags(exchange, target, parameters);
                case REFERRERS -> listings.referrers(exchange, target, References.requireDigest(route.reference()), parameters);
                default -> throw new IllegalStateException("unrouted " + route.kind());
            }
        });
    }

    /**
     * Serves at once when access was decided at once (no credentials, or a token already verified),
     * else on the connection's loop once it is (Basic credentials, checked off the loop).
     */
    private static void whenAdmitted(Exchange exchange, CompletableFuture<Void> admitted, Runnable serve) {
        if (admitted.isDone() && !admitted.isCompletedExceptionally()) {
            serve.run();
            return;
        }
        admitted.whenComplete((ok, refused) -> exchange.onLoop(() -> {
            try {
                if (refused != null) {
                    exchange.sendFailure(refused);
                } else {
                    serve.run();
                }
            } catch (RuntimeException e) {
                exchange.sendFailure(e);
            }
        }));
    }
}
