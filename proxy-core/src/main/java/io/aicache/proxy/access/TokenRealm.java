package io.aicache.proxy.access;

import java.net.InetSocketAddress;
import java.util.List;

import io.aicache.proxy.http.Exchange;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslHandler;

/**
 * The token service's URL in a challenge: {@code access.tokenRealm}, or aicache's own as the client
 * reached it, from the request's {@code Host} header and whether the connection is TLS.
 */
final class TokenRealm {

    private final String configured;

    TokenRealm(String configured) {
        this.configured = configured;
    }

    String of(Exchange exchange) {
        if (!configured.isEmpty()) {
            return configured;
        }
        List<String> hosts = exchange.requestHeaderValues(HttpHeaderNames.HOST);
        String host = hosts.isEmpty() || hosts.get(0).isBlank() ? local(exchange.channel()) : hosts.get(0).trim();
        return (isTls(exchange.channel()) ? "https://" : "http://") + host + TokenEndpoint.PATH;
    }

    private static String local(Channel channel) {
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        if (address == null) {
            return "localhost";
        }
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** HTTP/2 streams are child channels: TLS is on the connection's pipeline. */
    private static boolean isTls(Channel channel) {
        Channel connection = channel.parent() != null ? channel.parent() : channel;
        return connection.pipeline().get(SslHandler.class) != null;
    }
}
