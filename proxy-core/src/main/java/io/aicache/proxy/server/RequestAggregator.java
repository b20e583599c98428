package io.aicache.proxy.server;

import io.aicache.proxy.http.ErrorBodies;
import io.aicache.proxy.http.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Aggregates requests (a read-only mirror takes no real bodies) and refuses an oversized
 * body with the spec's JSON error, then closes the connection rather than read the rest.
 */
final class RequestAggregator extends HttpObjectAggregator {

    RequestAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        byte[] body = ErrorBodies.of(ErrorCode.UNSUPPORTED, "request body too large: aicache is a read-only mirror");
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close")
                .set("Docker-Distribution-API-Version", "registry/2.0");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
