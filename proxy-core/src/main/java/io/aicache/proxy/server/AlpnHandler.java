package io.aicache.proxy.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * After the TLS handshake, builds the rest of the pipeline for the protocol the client chose
 * by ALPN: HTTP/2, or HTTP/1.1 (also for clients that offered nothing).
 */
public final class AlpnHandler extends ApplicationProtocolNegotiationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AlpnHandler.class);

    private final ChannelHandler application;

    public AlpnHandler(ChannelHandler application) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.application = application;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            HttpPipeline.http2(ctx.pipeline(), application);
        } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            HttpPipeline.http1(ctx.pipeline(), application);
        } else {
            throw new IllegalStateException("unsupported protocol " + protocol);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
