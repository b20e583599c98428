package io.aicache.proxy.connect;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The proxy's own answers to CONNECT: the tunnel's 200, and refusals with a one-line reason. */
final class ProxyAnswers {

    private ProxyAnswers() {
    }

    static ChannelFuture established(ChannelHandlerContext ctx) {
        return ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(200, "Connection Established")));
    }

    /** Answers {@code status} with {@code reason} as the body and closes the connection. */
    static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        refuse(ctx, status, reason, null);
    }

    /** A 407 that asks for Basic credentials. */
    static void requireCredentials(ChannelHandlerContext ctx) {
        refuse(ctx, HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, "this proxy needs Basic credentials",
                "Basic realm=\"aicache\"");
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, String challenge) {
        byte[] body = ("aicache: " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        if (challenge != null) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, challenge);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
