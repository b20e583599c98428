package io.aicache.proxy.connect;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.observe.Metrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Answers the proxy listener's requests, which must be CONNECTs: checks the credentials and
 * the target, then has the target intercepted, tunnelled, or refused with the reason.
 */
@ChannelHandler.Sharable
final class ConnectHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final ProxyCredentials credentials;
    private final InterceptPolicy policy;
    private final Interceptor interceptor;
    private final Tunnels tunnels;
    private final Metrics metrics;

    ConnectHandler(ProxyCredentials credentials, InterceptPolicy policy, Interceptor interceptor, Tunnels tunnels,
                   Metrics metrics) {
        this.credentials = credentials;
        this.policy = policy;
        this.interceptor = interceptor;
        this.tunnels = tunnels;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            metrics.proxyConnect("malformed");
            ProxyAnswers.refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request");
            return;
        }
        if (!HttpMethod.CONNECT.equals(request.method())) {
            metrics.proxyConnect("malformed");
            ProxyAnswers.refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "this is an HTTPS proxy: only CONNECT is served, not " + request.method());
            return;
        }
        if (!credentials.accepts(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
            metrics.proxyConnect("unauthorized");
            ProxyAnswers.requireCredentials(ctx);
            return;
        }
        ConnectTarget target;
        try {
            target = ConnectTarget.parse(request.uri());
        } catch (IllegalArgumentException e) {
            metrics.proxyConnect("malformed");
            ProxyAnswers.refuse(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        InterceptPolicy.Decision decision = policy.decide(target);
        LOG.debug("CONNECT {} from {}: {}", target, ctx.channel().remoteAddress(), decision.action());
        switch (decision.action()) {
            case INTERCEPT -> {
                metrics.proxyConnect("intercept");
                interceptor.intercept(ctx, target);
            }
            case TUNNEL -> tunnels.open(ctx, target);
            case REFUSE -> {
                metrics.proxyConnect("refused");
                ProxyAnswers.refuse(ctx, HttpResponseStatus.FORBIDDEN, decision.reason());
            }
            default -> throw new IllegalStateException("unhandled " + decision.action());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("proxy connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
