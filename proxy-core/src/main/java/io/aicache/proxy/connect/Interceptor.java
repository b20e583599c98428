package io.aicache.proxy.connect;

import java.util.function.Function;

import io.aicache.proxy.server.AlpnHandler;
import io.aicache.proxy.tls.MintedCertificates;
import io.aicache.proxy.tls.TlsProvider;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;

/**
 * Intercepts a CONNECT: answers 200, then answers the client's TLS itself with a certificate
 * for the host from aicache's CA, and serves the requests inside with the same HTTP/1.1 and
 * HTTP/2 pipeline as the registry listener.
 */
final class Interceptor {

    private final MintedCertificates certificates;
    private final Function<ConnectTarget, ChannelHandler> application;

    /** @param application the handler for the requests sent to one intercepted host */
    Interceptor(MintedCertificates certificates, Function<ConnectTarget, ChannelHandler> application) {
        this.certificates = certificates;
        this.application = application;
    }

    void intercept(ChannelHandlerContext ctx, ConnectTarget target) {
        ctx.channel().config().setAutoRead(false);
        SslContext context = certificates.contextFor(target.host());
        ChannelHandler handler = application.apply(target);
        ProxyAnswers.established(ctx).addListener((ChannelFutureListener) answered -> {
            if (answered.isSuccess()) {
                ProxyPipeline.afterConnect(ctx.pipeline(), TlsProvider.newHandler(context, ctx.alloc()), new AlpnHandler(handler));
                ctx.channel().config().setAutoRead(true);
            }
        });
    }
}
