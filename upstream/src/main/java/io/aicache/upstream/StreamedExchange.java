package io.aicache.upstream;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One request and its answer on a connection of {@link BlobStreams}, and the answer's body as a
 * publisher. The connection reads only when asked ({@code autoRead} off): it reads on while less
 * than {@link #READ_AHEAD} bytes wait for the subscriber, so a slow disk slows upstream down
 * instead of filling memory. Everything here runs on the connection's event loop.
 */
final class StreamedExchange extends ChannelInboundHandlerAdapter
        implements Flow.Publisher<List<ByteBuffer>>, Flow.Subscription {

    /** Bytes read ahead of the subscriber; past this the connection waits for it. */
    static final int READ_AHEAD = 1 << 20;
    /** An unwanted body (a redirect's, an error's) longer than this closes the connection rather than being read. */
    private static final int DRAIN_LIMIT = 64 * 1024;
    private static final String HANDLER_NAME = "aicache-exchange";

    private final BlobStreams streams;
    private final Origin origin;
    private final Channel channel;
    private final CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> answer;
    /** Sends the request again on a new connection, when a kept one turns out closed; null on a new one. */
    private final Runnable onStale;
    private ScheduledFuture<?> firstByteTimer;
    /** The answer's head once it came, held until its body's first bytes (or its end) come too. */
    private UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> head;
    private State state = State.AWAITING_HEAD;
    // What the head said: facts of the answer, not steps of the exchange.
    private boolean keepAlive;
    /** The body is unwanted (not a 2xx answer): read and dropped, or the connection closed past {@link #DRAIN_LIMIT}. */
    private boolean dropping;
    private long dropped;
    private Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    private Told told = Told.NOTHING;
    private Throwable failure;
    private long demand;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private long pendingBytes;
    private List<ByteBuf> delivered = List.of();
    private long deliveredBytes;

    /**
     * Where the exchange stands, moved by the connection's side. Until the caller has the answer
     * a kept connection that fails is replaced: a server may take a request, send the head and
     * cut the connection before any body byte (one that closes connections after so many bytes
     * does), and that is the connection's fault, not the request's.
     */
    private enum State {
        /** The request is out; no final answer's head has come. */
        AWAITING_HEAD,
        /** The head came; it is held until its body's first bytes, or its end, come too. */
        HEAD_HELD,
        /** The caller has the answer; its body is coming on the connection. */
        RECEIVING_BODY,
        /** The caller has the answer and the whole body is in; the connection went back to the pool or was closed. */
        BODY_ENDED,
        /** The caller has the answer but the body will not end: the connection was cut, or closed (a cancel, a long drain). */
        CUT,
        /** The exchange failed before the caller had an answer; the connection was closed. */
        FAILED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case AWAITING_HEAD -> next == HEAD_HELD || next == FAILED;
                case HEAD_HELD -> next == RECEIVING_BODY || next == BODY_ENDED || next == CUT || next == FAILED;
                case RECEIVING_BODY -> next == BODY_ENDED || next == CUT;
                case BODY_ENDED, CUT, FAILED -> false;
            };
        }

        boolean ownsConnection() {
            return this == AWAITING_HEAD || this == HEAD_HELD || this == RECEIVING_BODY;
        }

        boolean answered() {
            return this == RECEIVING_BODY || this == BODY_ENDED || this == CUT;
        }
    }

    /** What the subscriber was told last, moved by the subscriber's side. */
    private enum Told {
        NOTHING,
        /** That the whole body is in, when it is a {@link BodyArrival}. */
        ARRIVAL,
        /** onComplete or onError, or the subscriber cancelled: nothing more. */
        END
    }

    StreamedExchange(BlobStreams streams, Origin origin, Channel channel,
                     CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> answer, Runnable onStale) {
        this.streams = streams;
        this.origin = origin;
        this.channel = channel;
        this.answer = answer;
        this.onStale = onStale;
    }

    void start(HttpRequest request, Duration firstByteTimeout) {
        channel.eventLoop().execute(() -> {
            channel.pipeline().addLast(HANDLER_NAME, this);
            firstByteTimer = channel.eventLoop().schedule(() -> failBeforeAnswer(new HttpTimeoutException(
                    "upstream " + origin.hostHeader() + " sent no answer within " + firstByteTimeout.toMillis() + " ms"), false),
                    firstByteTimeout.toMillis(), TimeUnit.MILLISECONDS);
            channel.writeAndFlush(request).addListener((ChannelFutureListener) written -> {
                if (!written.isSuccess()) {
                    failBeforeAnswer(written.cause(), true);
                }
            });
            channel.read();
        });
    }

    // ---- the connection's side ---------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (message instanceof HttpResponse response) {
                head(response);
            }
            if (message instanceof HttpContent content) {
                body(content);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void head(HttpResponse response) {
        int status = response.status().code();
        if (status < 200 || state != State.AWAITING_HEAD) {
            return; // an interim answer (100 Continue): the real one follows
        }
        firstByteTimer.cancel(false);
        keepAlive = HttpUtil.isKeepAlive(response);
        boolean streamed = status < 300;
        dropping = !streamed;
        head = new UpstreamResponse<>(status, UpstreamHeaders.of(response.headers()), streamed ? this : null);
        moveTo(State.HEAD_HELD);
    }

    private void body(HttpContent content) {
        if (state == State.AWAITING_HEAD || state == State.FAILED) {
            return; // the end of an interim answer, or what a connection given up on still hands on
        }
        boolean answering = state == State.HEAD_HELD;
        ByteBuf bytes = content.content();
        if (dropping) {
            dropped += bytes.readableBytes();
        } else if (bytes.isReadable()) {
            pending.add(bytes.retain());
            pendingBytes += bytes.readableBytes();
        }
        boolean ended = content instanceof LastHttpContent;
        if (ended) {
            releaseConnection(State.BODY_ENDED, keepAlive);
        } else if (dropping && dropped > DRAIN_LIMIT) {
            releaseConnection(State.CUT, false);
        } else if (answering) {
            moveTo(State.RECEIVING_BODY);
        }
        // After the connection is back in the pool: the caller's next request may reuse it at once.
        if (answering) {
            UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> complete = head;
            streams.answered(() -> answer.complete(complete));
        }
        if (ended) {
            signalArrival();
            // Off the pipeline now: no channelReadComplete will come to hand on the rest.
            deliver();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        deliver();
        readOnIfRoom();
    }

    private void readOnIfRoom() {
        if (state.ownsConnection() && (dropping || pendingBytes + deliveredBytes < READ_AHEAD)) {
            channel.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connectionFailed(cause instanceof IOException ? cause : new IOException(cause.getMessage(), cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connectionFailed(new IOException("upstream " + origin.hostHeader() + " closed the connection "
                + (state.answered() ? "in the middle of the body" : "before answering")));
    }

    private void connectionFailed(Throwable cause) {
        switch (state) {
            case AWAITING_HEAD, HEAD_HELD -> failBeforeAnswer(cause, true);
            case RECEIVING_BODY -> {
                moveTo(State.CUT);
                channel.close();
                failure = cause;
                deliver();
            }
            default -> {
            }
        }
    }

    private void failBeforeAnswer(Throwable cause, boolean connectionProblem) {
        if (state != State.AWAITING_HEAD && state != State.HEAD_HELD) {
            return;
        }
        moveTo(State.FAILED);
        firstByteTimer.cancel(false);
        channel.close();
        if (connectionProblem && onStale != null) {
            onStale.run();
        } else {
            streams.answered(() -> answer.completeExceptionally(cause));
        }
    }

    /** The connection is done with this exchange: back to the pool when its answer ended cleanly, else closed. */
    private void releaseConnection(State next, boolean reusable) {
        if (!state.ownsConnection()) {
            return;
        }
        moveTo(next);
        channel.pipeline().remove(this);
        if (reusable) {
            streams.park(origin, channel);
        } else {
            channel.close();
        }
    }

    private void moveTo(State next) {
        assert state.canMoveTo(next) : state + " -> " + next;
        state = next;
    }

    // ---- the subscriber's side ---------------------------------------------------------------

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> candidate) {
        channel.eventLoop().execute(() -> {
            if (subscriber != null) {
                candidate.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                candidate.onError(new IllegalStateException("an answer's body has one subscriber"));
                return;
            }
            subscriber = candidate;
            candidate.onSubscribe(this);
            signalArrival();
            deliver();
        });
    }

    @Override
    public void request(long n) {
        channel.eventLoop().execute(() -> {
            // The last item's buffers are done with: asking for more says so.
            releaseDelivered();
            if (told == Told.END) {
                return;
            }
            if (n <= 0) {
                releasePending();
                failure = new IllegalArgumentException("request(" + n + "): demand must be positive");
                deliver();
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            deliver();
            readOnIfRoom();
        });
    }

    @Override
    public void cancel() {
        channel.eventLoop().execute(() -> {
            releaseDelivered();
            releasePending();
            if (told == Told.END) {
                return;
            }
            told = Told.END;
            if (state != State.BODY_ENDED) {
                // The rest may be a gigabyte: closing costs a new connection, reading it on costs the gigabyte.
                releaseConnection(State.CUT, false);
            }
        });
    }

    /** Tells a {@link BodyArrival} subscriber, once, that the whole body is in (when it is, and nothing cut it). */
    private void signalArrival() {
        if (state == State.BODY_ENDED && subscriber instanceof BodyArrival arrival && told == Told.NOTHING
                && failure == null) {
            told = Told.ARRIVAL;
            arrival.bodyArrived();
        }
    }

    /**
     * Hands on what is pending when there is demand, then the end or the failure once nothing is:
     * bytes that came before a cut are good bytes, and a fill resumes after them. The item last
     * handed on stays the subscriber's, even past the end, until it asks for more or cancels.
     */
    private void deliver() {
        if (subscriber == null || told == Told.END) {
            return;
        }
        if (demand > 0 && !pending.isEmpty()) {
            releaseDelivered();
            List<ByteBuf> batch = new ArrayList<>(pending);
            List<ByteBuffer> views = new ArrayList<>(batch.size());
            for (ByteBuf bytes : batch) {
                Collections.addAll(views, bytes.nioBuffers());
            }
            pending.clear();
            delivered = batch;
            deliveredBytes = pendingBytes;
            pendingBytes = 0;
            demand--;
            subscriber.onNext(views);
        }
        if (pending.isEmpty() && told != Told.END && (failure != null || state == State.BODY_ENDED)) {
            told = Told.END;
            if (failure != null) {
                subscriber.onError(failure);
            } else {
                subscriber.onComplete();
            }
        }
    }

    private void releaseDelivered() {
        delivered.forEach(ByteBuf::release);
        delivered = List.of();
        deliveredBytes = 0;
    }

    private void releasePending() {
        pending.forEach(ByteBuf::release);
        pending.clear();
        pendingBytes = 0;
    }

}
