package io.aicache.proxy.server;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.RequestRecord;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The last handler of an HTTP pipeline: makes each request an {@link Exchange} and hands it
 * to {@link #dispatch}. A malformed request, any refusal, and any failure of aicache's own is
 * answered with the spec's JSON error.
 */
public abstract class ExchangeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

    private final Consumer<RequestRecord> observer;

    protected ExchangeHandler(Consumer<RequestRecord> observer) {
        this.observer = observer;
    }

    /** Answers {@code request}; throws {@link RegistryException} for refusals. */
    protected abstract void dispatch(Exchange exchange, FullHttpRequest request);

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Exchange exchange = new Exchange(ctx, request, observer);
        try {
            if (request.decoderResult().isFailure()) {
                throw new RegistryException(ErrorCode.REQUEST_INVALID,
                        "malformed HTTP request: " + request.decoderResult().cause().getMessage());
            }
            if (request.protocolVersion().majorVersion() != 1) {
                // HTTP/2 streams arrive converted to HTTP/1.1; any other version is one aicache cannot speak.
                throw new RegistryException(ErrorCode.VERSION_UNSUPPORTED, request.protocolVersion().text()
                        + " is not supported: aicache speaks HTTP/1.0, HTTP/1.1 and HTTP/2");
            }
            dispatch(exchange, request);
        } catch (RegistryException e) {
            exchange.sendError(e);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", request.method(), exchange.requestPath(), e);
            if (!exchange.isFinished()) {
                exchange.sendError(new RegistryException(ErrorCode.INTERNAL,
                        "internal error: " + e.getClass().getSimpleName()));
            }
        }
    }

    /** Whether {@code uri} is in the OCI Distribution API. */
    protected static boolean isRegistryApi(String uri) {
        return uri.equals("/v2") || uri.startsWith("/v2/") || uri.startsWith("/v2?");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
