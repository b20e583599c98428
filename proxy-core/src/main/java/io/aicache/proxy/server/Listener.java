package io.aicache.proxy.server;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

/** A bound server socket with event loops of its own, serving each connection with {@code initializer}'s pipeline. */
public final class Listener implements AutoCloseable {

    private static final long SHUTDOWN_SECONDS = 5;

    private final Transport transport = Transport.best();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel channel;

    /**
     * @param name    its threads' name: {@code <name>-accept-…} and {@code <name>-…}
     * @param address where to bind; an unresolved host is resolved here
     */
    public Listener(String name, InetSocketAddress address, int ioThreads, ChannelHandler initializer)
            throws InterruptedException {
        this.bossGroup = transport.newGroup(name + "-accept", 1);
        this.workerGroup = transport.newGroup(name, ioThreads);
        InetSocketAddress bindTo = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        try {
            this.channel = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(initializer)
                    .bind(bindTo).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    public Transport transport() {
        return transport;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        // Waited for: a connection still open would otherwise go on reading the index after it is closed,
        // which crashes the process in RocksDB's native code. Open connections are closed with the loops.
        bossGroup.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
