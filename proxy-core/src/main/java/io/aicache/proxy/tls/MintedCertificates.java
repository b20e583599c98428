package io.aicache.proxy.tls;

import java.security.KeyPair;
import java.time.Duration;
import java.util.Locale;

import javax.net.ssl.SSLException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.netty.handler.ssl.SslContext;

/**
 * TLS contexts for intercepted hosts, each with a certificate for the host signed by the
 * {@link CertificateAuthority}. Minting costs a key pair and a signature, so each host's
 * context is kept, and made again well before its certificate expires.
 */
public final class MintedCertificates {

    private static final Duration VALIDITY = Duration.ofDays(7);
    private static final Duration KEEP = Duration.ofDays(1);
    private static final int MAX_HOSTS = 1024;

    private final CertificateAuthority ca;
    private final Cache<String, SslContext> contexts = Caffeine.newBuilder()
            .maximumSize(MAX_HOSTS)
            .expireAfterWrite(KEEP)
            .build();

    public MintedCertificates(CertificateAuthority ca) {
        this.ca = ca;
    }

    /** The server context for {@code host} (a name or an IP literal). */
    public SslContext contextFor(String host) {
        return contexts.get(host.toLowerCase(Locale.ROOT), this::mint);
    }

    private SslContext mint(String host) {
        KeyPair keys = Certificates.newKeyPair();
        try {
            return TlsProvider.serverContext(keys.getPrivate(), ca.issue(host, keys, VALIDITY));
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make a TLS context for " + host + ": " + e.getMessage(), e);
        }
    }
}
