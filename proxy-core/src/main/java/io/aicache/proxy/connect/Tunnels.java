package io.aicache.proxy.connect;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.observe.Metrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Tunnels a CONNECT byte for byte: resolves the host (off the event loop), refuses it when
 * every address it has is one the {@link AddressPolicy} forbids, connects to the address it
 * checked (so a second lookup cannot swap it), answers 200 and relays both ways. A tunnel
 * that carries nothing either way for the idle timeout is closed.
 */
final class Tunnels {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnels.class);

    private final AddressPolicy addresses;
    private final Executor resolver;
    private final Class<? extends Channel> socketChannel;
    private final int connectTimeoutMillis;
    private final long idleMillis;
    private final Metrics metrics;

    Tunnels(AddressPolicy addresses, Executor resolver, Class<? extends Channel> socketChannel, int connectTimeoutMillis,
            Duration idleTimeout, Metrics metrics) {
        this.addresses = addresses;
        this.resolver = resolver;
        this.socketChannel = socketChannel;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.idleMillis = idleTimeout.toMillis();
        this.metrics = metrics;
    }

    void open(ChannelHandlerContext ctx, ConnectTarget target) {
        ctx.channel().config().setAutoRead(false);
        CompletableFuture.supplyAsync(() -> resolve(target), resolver).whenComplete((address, failure) ->
                ctx.executor().execute(() -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof RefusedTarget refused) {
                        metrics.proxyConnect("refused");
                        ProxyAnswers.refuse(ctx, HttpResponseStatus.FORBIDDEN, refused.getMessage());
                    } else if (cause != null) {
                        metrics.proxyConnect("unreachable");
                        ProxyAnswers.refuse(ctx, HttpResponseStatus.BAD_GATEWAY, "cannot resolve " + target.host());
                    } else {
                        connect(ctx, target, address);
                    }
                }));
    }

    private InetSocketAddress resolve(ConnectTarget target) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(target.host());
        } catch (UnknownHostException e) {
            throw new CompletionException(e);
        }
        for (InetAddress address : all) {
            if (addresses.allows(address)) {
                return new InetSocketAddress(address, target.port());
            }
        }
        throw new RefusedTarget(target.host() + " resolves to " + all[0].getHostAddress()
                + ", an address inside this proxy's network, which it does not connect to");
    }

    private void connect(ChannelHandlerContext ctx, ConnectTarget target, InetSocketAddress address) {
        Channel inbound = ctx.channel();
        ChannelFuture connecting = new Bootstrap()
                .group(inbound.eventLoop())
                .channel(socketChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address);
        inbound.closeFuture().addListener(f -> connecting.channel().close());
        connecting.addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                metrics.proxyConnect("unreachable");
                LOG.debug("tunnel to {} ({}) failed: {}", target, address, connected.cause().toString());
                ProxyAnswers.refuse(ctx, HttpResponseStatus.BAD_GATEWAY, "cannot connect to " + target);
                return;
            }
            metrics.proxyConnect("tunnel");
            Channel outbound = connected.channel();
            outbound.pipeline().addLast(idle(), new Relay(inbound));
            ProxyAnswers.established(ctx).addListener((ChannelFutureListener) answered -> {
                if (!answered.isSuccess()) {
                    outbound.close();
                    return;
                }
                ProxyPipeline.afterConnect(ctx.pipeline(), idle(), new Relay(outbound));
                inbound.config().setAutoRead(true);
                outbound.config().setAutoRead(true);
            });
        });
    }

    /** Signals a side that neither read nor wrote for the idle timeout; its {@link Relay} closes the tunnel. */
    private IdleStateHandler idle() {
        return new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS);
    }

    /** A target the proxy will not connect to; its message is the client's answer. */
    private static final class RefusedTarget extends RuntimeException {
        RefusedTarget(String message) {
            super(message, null, false, false);
        }
    }
}
