package io.aicache.proxy.server;

import io.aicache.proxy.tls.ReloadingServerContext;
import io.aicache.proxy.tls.TlsProvider;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * The registry listener's pipeline: plain HTTP/1.1, or TLS then the protocol ALPN chose.
 * {@link HttpPipeline} adds the rest, one concern per handler.
 */
final class RegistryChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ChannelHandler application;
    private final ReloadingServerContext tls;

    /** @param tls the TLS context, or {@code null} for plain HTTP */
    RegistryChannelInitializer(ChannelHandler application, ReloadingServerContext tls) {
        this.application = application;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (tls == null) {
            HttpPipeline.http1(channel.pipeline(), application);
        } else {
            channel.pipeline()
                    .addLast("tls", TlsProvider.newHandler(tls.current(), channel.alloc()))
                    .addLast("alpn", new AlpnHandler(application));
        }
    }
}
