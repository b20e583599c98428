package io.aicache.proxy.connect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.aicache.upstream.Credentials;

/** Basic proxy authentication: the {@code Proxy-Authorization} a client must send, compared in constant time. */
final class ProxyCredentials {

    private final byte[] expected;

    /** @param username {@code null} when the proxy needs no credentials */
    ProxyCredentials(String username, String password) {
        this.expected = username == null ? null
                : Credentials.basicHeader(username, password).getBytes(StandardCharsets.US_ASCII);
    }

    boolean accepts(String proxyAuthorization) {
        if (expected == null) {
            return true;
        }
        return proxyAuthorization != null
                && MessageDigest.isEqual(expected, proxyAuthorization.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
