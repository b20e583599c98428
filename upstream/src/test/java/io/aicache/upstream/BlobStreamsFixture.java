package io.aicache.upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Blob streams on an event loop and callback threads of their own, and the scripted servers a test
 * runs them against; closing stops them all.
 */
final class BlobStreamsFixture implements AutoCloseable {

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    final BlobStreams streams = new BlobStreams(loops, NioSocketChannel.class, Duration.ofSeconds(5),
            TrustedCas.jdkTrustManagers(), callbacks);
    private final List<ScriptedServer> servers = new ArrayList<>();

    /** A scripted server for this test, closed with the fixture. */
    ScriptedServer serve(ScriptedServer.Script script) throws IOException {
        ScriptedServer server = new ScriptedServer(script);
        servers.add(server);
        return server;
    }

    @Override
    public void close() throws IOException {
        streams.close();
        for (ScriptedServer server : servers) {
            server.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        callbacks.shutdownNow();
    }
}
