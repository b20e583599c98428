package io.aicache.proxy.config;

import java.net.InetSocketAddress;

/**
 * The registry listener.
 *
 * @param listen    {@code host:port} to bind ({@code 0.0.0.0:5000}, {@code 127.0.0.1:0} for any free port)
 * @param ioThreads event-loop threads; 0: one per core
 * @param tls       HTTPS on the listener
 */
public record ServerConfig(String listen, int ioThreads, TlsConfig tls) {

    public ServerConfig {
        parseListen(listen);
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must be 0 or more, got " + ioThreads);
        }
        if (tls == null) {
            throw new IllegalArgumentException("tls must not be empty");
        }
    }

    /**
     * The event loops to run. One per core by default, not Netty's two: disk and index work runs
     * on the storage executor, and with more loops than cores the loops take turns on them
     * (a manifest benchmark's p99 was a third lower with one per core on two cores).
     */
    public int eventLoops() {
        return ioThreads == 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
    }

    public InetSocketAddress address() {
        return parseListen(listen);
    }

    /** {@code host:port} as an address; the host stays unresolved, an empty host means every interface. */
    static InetSocketAddress parseListen(String listen) {
        int colon = listen == null ? -1 : listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen must be host:port, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen must end in a port number, got '" + listen + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port must be 0 to 65535, got " + port);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : InetSocketAddress.createUnresolved(host, port);
    }
}
