package io.aicache.proxy.http;

import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Tier;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
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
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * One request and the answer being made to it, on one connection. When the answer is
 * finished the connection is kept open or closed as the client asked (a pipelined request
 * waits in {@code OneRequestAtATime} until then). When the answer ends (whole, cut off, or the client went away) it is recorded once,
 * with what the handlers noted of it (route, registry, repository, reference, tier).
 */
public final class Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    /** Where an answer stands. */
    private enum State { OPEN, FINISHED, RECORDED }

    private final ChannelHandlerContext ctx;
    private final HttpMethod method;
    private final String path;
    private final boolean keepAlive;
    private final HttpHeaders requestHeaders;
    private final Consumer<RequestRecord> observer;
    private final long startNanos = System.nanoTime();
    private final ChannelFutureListener recordOnClose = f -> onLoop(() -> record(true));
    private State state = State.OPEN;
    private String namespace;
    private String route = "other";
    private String registry;
    private String repository;
    private String reference;
    private Tier tier;
    private int status;
    private long bytesSent;

    public Exchange(ChannelHandlerContext ctx, FullHttpRequest request, Consumer<RequestRecord> observer) {
        this.ctx = ctx;
        this.method = request.method();
        this.path = new QueryStringDecoder(request.uri()).path();
        this.keepAlive = HttpUtil.isKeepAlive(request);
        // Releasing the request frees its body, not its headers: they stay readable without a copy.
        this.requestHeaders = request.headers();
        this.observer = observer;
        ctx.channel().closeFuture().addListener(recordOnClose);
    }

    public boolean isHead() {
        return HttpMethod.HEAD.equals(method);
    }

    /** The request's path, decoded, without the query. */
    public String requestPath() {
        return path;
    }

    /** Every value of every {@code name} header (clients such as skopeo send several Accept headers). */
    public List<String> requestHeaderValues(CharSequence name) {
        return requestHeaders.getAll(name);
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

    /** Notes what the request is for, for the access log and the metrics. */
    public void describe(String route, String registry, String repository, String reference) {
        this.route = route;
        this.registry = registry;
        this.repository = repository;
        this.reference = reference;
    }

    public void route(String route) {
        this.route = route;
    }

    /** Notes where the answer's content came from: memory, disk, fill, upstream, stale. */
    public void tier(Tier tier) {
        this.tier = tier;
    }

    /** Counts body bytes the caller sent itself (streamed answers). */
    public void sent(long bytes) {
        bytesSent += bytes;
    }

    /** The registry a {@code ns} parameter chose; echoed in {@code OCI-Namespace} on the answer. */
    public void echoNamespace(String registry) {
        this.namespace = registry;
    }

    /** A response head with the headers every answer carries. */
    public HttpResponse newResponse(HttpResponseStatus responseStatus) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, responseStatus);
        decorate(response.headers());
        status = responseStatus.code();
        return response;
    }

    /** Writes the head of a streamed answer made elsewhere (a response passed on from another server). */
    public ChannelFuture writeHead(HttpResponse head) {
        status = head.status().code();
        if (!keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        return ctx.writeAndFlush(head);
    }

    /** Sends a whole answer; for HEAD the body is left out but its length kept. */
    public void sendBytes(HttpResponseStatus responseStatus, HttpHeaders headers, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, responseStatus,
                isHead() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(headers);
        decorate(response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        status = responseStatus.code();
        bytesSent += isHead() ? 0 : body.length;
        finish(ctx.writeAndFlush(response));
    }

    /** Answers with the spec's JSON error body. */
    public void sendError(RegistryException error) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        error.headers().forEach(headers::set);
        if (error.code() == ErrorCode.UNSUPPORTED) {
            headers.set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        tier = null;
        sendBytes(error.status(), headers, ErrorBodies.of(error.code(), error.getMessage()));
    }

    /**
     * Answers a failure that came back from work done elsewhere: a {@link RegistryException} as
     * itself, anything else as an internal error (logged, not shown to the client).
     */
    public void sendFailure(Throwable failure) {
        Throwable cause = UpstreamFailureTranslator.unwrap(failure);
        if (cause instanceof RegistryException refusal) {
            sendError(refusal);
            return;
        }
        LOG.error("request {} {} failed", method, path, cause);
        sendError(new RegistryException(ErrorCode.INTERNAL, "internal error: " + cause.getClass().getSimpleName()));
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
        state = State.FINISHED;
        record(true);
        ctx.close();
    }

    public boolean isFinished() {
        return state != State.OPEN;
    }

    private void finish(ChannelFuture lastWrite) {
        state = State.FINISHED;
        lastWrite.addListener((ChannelFutureListener) f -> {
            record(!f.isSuccess());
            if (!keepAlive) {
                f.channel().close();
            }
        });
    }

    private void record(boolean aborted) {
        if (state == State.RECORDED) {
            return;
        }
        state = State.RECORDED;
        ctx.channel().closeFuture().removeListener(recordOnClose);
        observer.accept(new RequestRecord(method.name(), path, route, registry, repository, reference, status,
                bytesSent, tier, System.nanoTime() - startNanos, aborted));
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
}
