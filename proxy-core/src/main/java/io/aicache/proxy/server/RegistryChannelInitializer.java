package io.aicache.proxy.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;

/** The registry listener's pipeline, one concern per handler, in the order a request meets them. */
final class RegistryChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 16384;
    private static final int MAX_CHUNK = 8192;
    /** A read-only mirror takes no bodies; this only bounds what a stray one may cost. */
    private static final int MAX_REQUEST_BODY = 64 * 1024;

    private final ChannelHandler application;

    RegistryChannelInitializer(ChannelHandler application) {
        this.application = application;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK))
                .addLast("aggregate", new RequestAggregator(MAX_REQUEST_BODY))
                .addLast("in-order", new OneRequestAtATime())
                .addLast("stream", new ChunkedWriteHandler())
                .addLast("oci", application);
    }
}
