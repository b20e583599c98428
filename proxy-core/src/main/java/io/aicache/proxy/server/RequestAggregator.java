package io.aicache.proxy.server;

import java.util.concurrent.TimeUnit;

import io.aicache.proxy.http.ErrorBodies;
import io.aicache.proxy.http.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Aggregates requests (a read-only mirror takes no real bodies) and refuses an oversized
 * body with the spec's JSON error, then closes the connection rather than take the rest.
 */
final class RequestAggregator extends HttpObjectAggregator {

    private static final long LINGER_SECONDS = 2;

    RequestAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        byte[] body = ErrorBodies.of(ErrorCode.REQUEST_TOO_LARGE, "request body too large: aicache is a read-only mirror");
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                ErrorCode.REQUEST_TOO_LARGE.status(), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close")
                .set("Docker-Distribution-API-Version", "registry/2.0");
        // Closing at once while the client still sends its body makes the kernel answer with a
        // reset, which can destroy the 413 before the client reads it: end our side after the
        // answer, keep discarding what arrives for a moment, then close.
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
            ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
    }
}
