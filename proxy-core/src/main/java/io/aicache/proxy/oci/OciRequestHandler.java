package io.aicache.proxy.oci;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.config.ManifestsConfig;
import io.aicache.proxy.fill.Fills;
import io.aicache.proxy.http.ByteRange;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HotTier;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Routes OCI Distribution API requests: checks the method and the path, picks the
 * upstream, and hands the request to the manifest, blob or listing service. Every refusal
 * is the spec's JSON error with the right status.
 */
@ChannelHandler.Sharable
public final class OciRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(OciRequestHandler.class);
    private static final byte[] EMPTY_JSON = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final UpstreamSelector selector;
    private final ManifestService manifests;
    private final BlobService blobs;
    private final ListingService listings;

    public OciRequestHandler(UpstreamSelector selector, BlobStore store, HotTier hotTier, Fills fills,
                             Executor storageExecutor, ManifestsConfig manifestsConfig, boolean offline) {
        Clock clock = Clock.systemUTC();
        this.selector = selector;
        this.manifests = new ManifestService(store, hotTier, storageExecutor,
                new ManifestFetcher(manifestsConfig.maxBytes().bytes()), manifestsConfig, offline, clock);
        this.blobs = new BlobService(store, fills);
        this.listings = new ListingService(store, storageExecutor, manifestsConfig.tagTtl(), clock);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Exchange exchange = new Exchange(ctx, request);
        try {
            route(exchange, request);
        } catch (RegistryException e) {
            exchange.sendError(e);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", request.method(), request.uri(), e);
            if (!exchange.isFinished()) {
                exchange.sendError(new RegistryException(ErrorCode.UNKNOWN, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "internal error: " + e.getClass().getSimpleName()));
            }
        }
    }

    private void route(Exchange exchange, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request: " + request.decoderResult().cause().getMessage());
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        OciRoute route = OciRoute.parse(uri.path());
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method) || route.kind() == OciRoute.Kind.BLOB_UPLOAD) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "aicache is a read-only mirror: "
                    + method + " " + uri.path() + " is not supported");
        }
        if (route.kind() == OciRoute.Kind.BASE) {
            exchange.sendBytes(HttpResponseStatus.OK,
                    new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "application/json"), EMPTY_JSON);
            return;
        }
        Map<String, List<String>> parameters = uri.parameters();
        String namespace = parameters.getOrDefault("ns", List.of()).stream().findFirst().orElse(null);
        Target target = selector.select(route.name(), namespace);
        if (namespace != null) {
            exchange.echoNamespace(namespace);
        }
        switch (route.kind()) {
            case MANIFEST -> manifests.serve(exchange, target, route.reference());
            case BLOB -> blobs.serve(exchange, target, References.requireDigest(route.reference()),
                    ByteRange.parse(request.headers().get(HttpHeaderNames.RANGE)));
            case TAGS_LIST -> listings.tags(exchange, target, parameters);
            case REFERRERS -> listings.referrers(exchange, target, References.requireDigest(route.reference()), parameters);
            default -> throw new IllegalStateException("unrouted " + route.kind());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
