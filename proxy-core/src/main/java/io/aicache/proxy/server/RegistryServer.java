package io.aicache.proxy.server;

import java.net.InetSocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.tls.ReloadingServerContext;
import io.aicache.proxy.tls.TlsProvider;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

/** The registry listener: binds, serves until closed. */
public final class RegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel channel;

    /** @param tls the TLS context, or {@code null} to serve plain HTTP */
    public RegistryServer(InetSocketAddress address, int ioThreads, ChannelHandler application,
                          ReloadingServerContext tls) throws InterruptedException {
        Transport transport = Transport.best();
        this.bossGroup = transport.newGroup(1);
        this.workerGroup = transport.newGroup(ioThreads);
        InetSocketAddress bindTo = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        try {
            this.channel = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new RegistryChannelInitializer(application, tls))
                    .bind(bindTo).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        LOG.info("registry listener on {} ({} transport, {})", channel.localAddress(), transport,
                tls == null ? "plain HTTP" : "TLS by " + TlsProvider.provider());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        bossGroup.shutdownGracefully();
        workerGroup.shutdownGracefully();
    }
}
