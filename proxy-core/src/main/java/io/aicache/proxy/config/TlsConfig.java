package io.aicache.proxy.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * TLS on the registry listener.
 *
 * @param enabled    serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) instead of plain HTTP
 * @param certFile   the certificate chain, PEM, leaf first
 * @param keyFile    its private key, PEM (PKCS#8 or PKCS#1)
 * @param checkEvery how often the two files are checked for changes; new connections get the new certificate
 */
public record TlsConfig(boolean enabled, Path certFile, Path keyFile, Duration checkEvery) {

    public TlsConfig {
        if (enabled && (certFile == null || keyFile == null)) {
            throw new IllegalArgumentException("tls.enabled needs both certFile and keyFile");
        }
        if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
            throw new IllegalArgumentException("checkEvery must be a positive duration, got " + checkEvery);
        }
    }
}
