package io.aicache.proxy.http;

import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One request and the answer being made to it, on one connection. The connection reads
 * nothing more until the answer is finished (so pipelined requests wait their turn), then
 * is kept open or closed as the client asked.
 */
public final class Exchange {

    private final ChannelHandlerContext ctx;
    private final HttpMethod method;
    private final boolean keepAlive;
    private final HttpHeaders requestHeaders;
    private String namespace;
    private boolean finished;

    public Exchange(ChannelHandlerContext ctx, FullHttpRequest request) {
        this.ctx = ctx;
        this.method = request.method();
        this.keepAlive = HttpUtil.isKeepAlive(request);
        this.requestHeaders = request.headers().copy();
        ctx.channel().config().setAutoRead(false);
    }

    public boolean isHead() {
        return HttpMethod.HEAD.equals(method);
    }

    public HttpHeaders requestHeaders() {
        return requestHeaders;
    }

    public Channel channel() {
        return ctx.channel();
    }

    /** Runs {@code task} on this connection's event loop. */
    public void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /** The registry a {@code ns} parameter chose; echoed in {@code OCI-Namespace} on the answer. */
    public void echoNamespace(String registry) {
        this.namespace = registry;
    }

    /** A response head with the headers every answer carries. */
    public HttpResponse newResponse(HttpResponseStatus status) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        decorate(response.headers());
        return response;
    }

    /** Sends a whole answer; for HEAD the body is left out but its length kept. */
    public void sendBytes(HttpResponseStatus status, HttpHeaders headers, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                isHead() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(headers);
        decorate(response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        finish(ctx.writeAndFlush(response));
    }

    /** Answers with the spec's JSON error body. */
    public void sendError(RegistryException error) {
        HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        error.headers().forEach(headers::set);
        if (error.code() == ErrorCode.UNSUPPORTED && error.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            headers.set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        sendBytes(error.status(), headers, ErrorBodies.of(error.code(), error.getMessage()));
    }

    /** Writes part of a streamed answer. */
    public ChannelFuture write(Object message) {
        return ctx.writeAndFlush(message);
    }

    /** Ends a streamed answer. */
    public void end() {
        finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    /**
     * Gives up on an answer whose body cannot be completed with the right bytes: closing the
     * connection is the only way to tell an HTTP/1.1 client the body is not whole.
     */
    public void abort() {
        finished = true;
        ctx.close();
    }

    public boolean isFinished() {
        return finished;
    }

    private void finish(ChannelFuture lastWrite) {
        finished = true;
        if (!keepAlive) {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        lastWrite.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                f.channel().config().setAutoRead(true);
            }
        });
    }

    private void decorate(HttpHeaders headers) {
        headers.set("Docker-Distribution-API-Version", "registry/2.0");
        if (namespace != null) {
            headers.set("OCI-Namespace", namespace);
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, "close");
        }
    }

    /** Every value of every {@code name} header (clients such as skopeo send several Accept headers). */
    public List<String> requestHeaderValues(CharSequence name) {
        return requestHeaders.getAll(name);
    }
}
