package io.aicache.upstream;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Blob streams on an event loop and callback threads of their own, for a test; closing stops all three. */
final class BlobStreamsFixture implements AutoCloseable {

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    final BlobStreams streams = new BlobStreams(loops, NioSocketChannel.class, Duration.ofSeconds(5),
            TrustedCas.jdkTrustManagers(), callbacks);

    @Override
    public void close() {
        streams.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        callbacks.shutdownNow();
    }
}
