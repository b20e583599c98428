package io.aicache.proxy.connect;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The proxy listener's pipeline: HTTP/1.1 until the client's CONNECT is answered, then
 * whatever carries the connection from there (a relay for a tunnel, TLS for an interception).
 */
final class ProxyPipeline extends ChannelInitializer<SocketChannel> {

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;
    /** CONNECT has no body; this bounds what a stray one may cost. */
    private static final int MAX_BODY = 8192;
    /** A client that opens a connection and sends no CONNECT within this time is dropped. */
    private static final int CONNECT_WITHIN_SECONDS = 30;

    private final ChannelHandler connect;

    ProxyPipeline(ChannelHandler connect) {
        this.connect = connect;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("idle", new ReadTimeoutHandler(CONNECT_WITHIN_SECONDS))
                .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_HEADER_BYTES))
                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
                .addLast("connect", connect);
    }

    /**
     * Hands the connection on to {@code next} once the CONNECT answer is written: the HTTP
     * handlers and the wait for a CONNECT go, and any bytes the client sent after its CONNECT
     * reach {@code next}.
     */
    static void afterConnect(ChannelPipeline pipeline, ChannelHandler... next) {
        pipeline.addLast(next);
        pipeline.remove("idle");
        pipeline.remove("connect");
        pipeline.remove("aggregate");
        pipeline.remove("http");
    }
}
