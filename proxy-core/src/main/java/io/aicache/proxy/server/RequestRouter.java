package io.aicache.proxy.server;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.helm.HelmApi;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.observe.OpsEndpoints;
import io.aicache.proxy.observe.RequestRecord;
import io.aicache.proxy.oci.OciApi;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Sends each request to the API it addresses: {@code /v2/...} to the OCI Distribution API,
 * {@code /helm/...} to the chart repositories,
 * {@code /metrics}, {@code /healthz} and {@code /readyz} to the operations endpoints. Any
 * refusal, and any failure of aicache's own, is answered with the spec's JSON error.
 */
@ChannelHandler.Sharable
public final class RequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    private final OciApi oci;
    private final HelmApi helm;
    private final OpsEndpoints ops;
    private final Consumer<RequestRecord> observer;

    public RequestRouter(OciApi oci, HelmApi helm, OpsEndpoints ops, Consumer<RequestRecord> observer) {
        this.oci = oci;
        this.helm = helm;
        this.ops = ops;
        this.observer = observer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Exchange exchange = new Exchange(ctx, request, observer);
        try {
            if (request.decoderResult().isFailure()) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, HttpResponseStatus.BAD_REQUEST,
                        "malformed HTTP request: " + request.decoderResult().cause().getMessage());
            }
            String uri = request.uri();
            if (uri.equals("/v2") || uri.startsWith("/v2/") || uri.startsWith("/v2?")) {
                oci.handle(exchange, request);
            } else if (exchange.requestPath().startsWith(HelmApi.PREFIX)) {
                helm.handle(exchange, request);
            } else if (!ops.handle(exchange, request)) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, HttpResponseStatus.NOT_FOUND,
                        "no endpoint at " + exchange.requestPath() + "; the registry API is under /v2/");
            }
        } catch (RegistryException e) {
            exchange.sendError(e);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", request.method(), exchange.requestPath(), e);
            if (!exchange.isFinished()) {
                exchange.sendError(new RegistryException(ErrorCode.UNKNOWN, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "internal error: " + e.getClass().getSimpleName()));
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
