package io.aicache.proxy.server;

import java.net.InetSocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.tls.ReloadingServerContext;
import io.aicache.proxy.tls.TlsProvider;
import io.netty.channel.ChannelHandler;

/** The registry listener: binds, serves until closed. */
public final class RegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    private final Listener listener;

    /** @param tls the TLS context, or {@code null} to serve plain HTTP */
    public RegistryServer(InetSocketAddress address, int ioThreads, ChannelHandler application,
                          ReloadingServerContext tls) throws InterruptedException {
        this.listener = new Listener("aicache-http", address, ioThreads, new RegistryChannelInitializer(application, tls));
        LOG.info("registry listener on {} ({} transport, {})", listener.localAddress(), listener.transport(),
                tls == null ? "plain HTTP" : "TLS by " + TlsProvider.provider());
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public void close() {
        listener.close();
    }
}
