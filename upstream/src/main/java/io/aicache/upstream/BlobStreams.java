package io.aicache.upstream;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Blob bodies from upstream, over Netty: keep-alive connections pooled per origin, and bodies
 * read into pooled direct buffers that go to the reader as they are, with back-pressure (see
 * {@link StreamedExchange}). A fill writes those buffers to its file with no copy on the way and
 * no garbage left behind; the JDK client it replaces for blobs copied every byte into a new heap
 * array. Requests go out as given: authentication and redirects are {@link RegistryClient}'s.
 */
public final class BlobStreams implements AutoCloseable {

    /** How long a connection nobody uses stays open for the next request. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    /** Idle connections kept per origin; more are closed when their answer ends. */
    private static final int IDLE_PER_ORIGIN = 32;
    /** Socket reads grow to this: a fill's range moves in few, large reads. */
    private static final int MAX_READ = 512 * 1024;
    private static final AttributeKey<ScheduledFuture<?>> EXPIRY = AttributeKey.valueOf("aicache.upstream.expiry");

    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final Executor callbacks;
    private final Map<Origin, Deque<Channel>> idle = new ConcurrentHashMap<>();

    /**
     * @param loops       the event loops the connections run on
     * @param channelType their channel class (epoll or NIO, to match {@code loops})
     * @param trust       the CAs an HTTPS upstream's certificate must chain to
     * @param callbacks   where a request's answer is completed (its callers may block: a fill creates its file)
     */
    public BlobStreams(EventLoopGroup loops, Class<? extends Channel> channelType, Duration connectTimeout,
                       TrustManagerFactory trust, Executor callbacks) {
        this.tls = clientTls(trust);
        this.callbacks = callbacks;
        this.bootstrap = new Bootstrap().group(loops).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                // Netty's default allocator pools nothing above 16.5 KiB while the heap is small
                // (512 MiB or less, as aicache runs): every read would get a new buffer, zeroed.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(16 * 1024, 128 * 1024, MAX_READ));
    }

    private static SslContext clientTls(TrustManagerFactory trust) {
        try {
            return SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS toward upstream: " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code method uri} with {@code headers}; completes on the callbacks executor once the
     * answer's head and its body's first bytes (or its end) are in, or fails when no head came
     * within {@code firstByteTimeout}. A 2xx answer's
     * body is a publisher to subscribe to (or cancel): each item's buffers are the subscriber's
     * until it asks for more or cancels, when they go back to the pool (with more than one item
     * asked for, only until {@code onNext} returns), and its methods are called on the
     * connection's event loop, so they must not block. Other answers carry no body (theirs is
     * read and dropped, so the connection serves again).
     */
    public CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> send(
            String method, URI uri, Map<String, List<String>> headers, Duration firstByteTimeout) {
        Origin origin;
        try {
            origin = Origin.of(uri);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> answer = new CompletableFuture<>();
        Runnable onFreshConnection = () -> connect(origin, answer, channel -> new StreamedExchange(this, origin, channel,
                answer, null).start(request(method, uri, headers, origin), firstByteTimeout));
        Channel reused = pooled(origin);
        if (reused == null) {
            onFreshConnection.run();
        } else {
            // A kept connection that fails before the answer's first body byte (closed by the server meanwhile, or
            // cut after the head) is the connection's fault: then once more on a new one.
            new StreamedExchange(this, origin, reused, answer, onFreshConnection)
                    .start(request(method, uri, headers, origin), firstByteTimeout);
        }
        return answer;
    }

    private static HttpRequest request(String method, URI uri, Map<String, List<String>> headers, Origin origin) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        HttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target,
                Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, origin.hostHeader());
        request.headers().set(HttpHeaderNames.USER_AGENT, "aicache");
        headers.forEach((name, values) -> values.forEach(value -> request.headers().add(name, value)));
        return request;
    }

    private void connect(Origin origin, CompletableFuture<?> answer, Consumer<Channel> onReady) {
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                if (origin.tls()) {
                    channel.pipeline().addLast(tls.newHandler(channel.alloc(), origin.host(), origin.port()));
                }
                channel.pipeline().addLast(new HttpClientCodec(new HttpDecoderConfig()
                        .setMaxHeaderSize(64 * 1024)
                        .setMaxChunkSize(MAX_READ), false, false));
            }
        }).connect(origin.host(), origin.port());
        connecting.addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                callbacks.execute(() -> answer.completeExceptionally(connected.cause()));
                return;
            }
            Channel channel = connected.channel();
            channel.closeFuture().addListener(closed -> idleOf(origin).remove(channel));
            SslHandler handshaking = channel.pipeline().get(SslHandler.class);
            if (handshaking == null) {
                onReady.accept(channel);
                return;
            }
            handshaking.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    onReady.accept(channel);
                } else {
                    channel.close();
                    callbacks.execute(() -> answer.completeExceptionally(handshake.cause()));
                }
            });
            // Reads are asked for one at a time here; the handshake needs the first.
            channel.read();
        });
    }

    /** An open idle connection to {@code origin}, taken out of the pool, or null. */
    private Channel pooled(Origin origin) {
        Deque<Channel> channels = idle.get(origin);
        if (channels == null) {
            return null;
        }
        for (Channel channel = channels.pollFirst(); channel != null; channel = channels.pollFirst()) {
            ScheduledFuture<?> expiry = channel.attr(EXPIRY).getAndSet(null);
            if (expiry != null) {
                expiry.cancel(false);
            }
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    /** Takes back a connection whose answer ended, for the next request to its origin; on its event loop. */
    void park(Origin origin, Channel channel) {
        Deque<Channel> channels = idleOf(origin);
        if (!channel.isActive() || channels.size() >= IDLE_PER_ORIGIN) {
            channel.close();
            return;
        }
        channel.attr(EXPIRY).set(channel.eventLoop().schedule(() -> {
            if (channels.remove(channel)) {
                channel.close();
            }
        }, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS));
        channels.offerFirst(channel);
    }

    void answered(Runnable completion) {
        callbacks.execute(completion);
    }

    private Deque<Channel> idleOf(Origin origin) {
        return idle.computeIfAbsent(origin, key -> new ConcurrentLinkedDeque<>());
    }

    /** Closes the idle connections; those in use close when their answers end. */
    @Override
    public void close() {
        idle.values().forEach(channels -> {
            for (Channel channel = channels.pollFirst(); channel != null; channel = channels.pollFirst()) {
                channel.close();
            }
        });
    }
}
