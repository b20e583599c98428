package io.aicache.proxy.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The HTTPS proxy listener (HTTP CONNECT), for clients that are given {@code HTTPS_PROXY}
 * rather than a mirror.
 *
 * @param enabled               run the listener
 * @param listen                {@code host:port} to bind
 * @param intercept             hosts whose TLS aicache terminates with a certificate from its own CA,
 *                              serving their registry API from the cache
 * @param listedOnly            refuse every other host (403) instead of tunnelling it byte for byte
 * @param allowPrivateAddresses let CONNECT reach loopback, link-local and private addresses
 * @param allowedPorts          the ports CONNECT may reach
 * @param username              Basic proxy credentials clients must send, or {@code null} for none
 * @param password              with {@code username}
 * @param tunnelIdleTimeout     a tunnel that carries no byte either way for this long is closed
 * @param ca                    where the CA comes from
 */
public record ProxyConfig(boolean enabled, String listen, List<String> intercept, boolean listedOnly,
                          boolean allowPrivateAddresses, List<Integer> allowedPorts, String username, String password,
                          Duration tunnelIdleTimeout, CaConfig ca) {

    public ProxyConfig {
        ServerConfig.parseListen(listen);
        intercept = intercept == null ? List.of()
                : intercept.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
        for (int port : allowedPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("allowedPorts must hold ports 1 to 65535, got " + port);
            }
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password go together: set both or neither");
        }
        if (tunnelIdleTimeout == null || tunnelIdleTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("tunnelIdleTimeout must be at least 1s, got " + tunnelIdleTimeout);
        }
        if (ca == null) {
            throw new IllegalArgumentException("ca must not be empty");
        }
    }

    public InetSocketAddress address() {
        return ServerConfig.parseListen(listen);
    }

    /**
     * The certificate authority that signs the certificates of intercepted hosts: loaded from
     * {@code certFile} and {@code keyFile} (PEM) when both are set, else kept under
     * {@code <dataDir>/ca/} and created there on first use.
     */
    public record CaConfig(Path certFile, Path keyFile) {
        public CaConfig {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("certFile and keyFile go together: set both or neither");
            }
        }
    }
}
