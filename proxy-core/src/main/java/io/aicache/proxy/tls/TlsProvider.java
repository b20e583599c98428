package io.aicache.proxy.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

/**
 * The TLS engine aicache serves with: BoringSSL through netty-tcnative when its native
 * library loads (faster, less garbage), else the JDK's. Server contexts offer {@code h2}
 * and {@code http/1.1} by ALPN, with HTTP/2's cipher suites.
 */
public final class TlsProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TlsProvider.class);
    private static final SslProvider PROVIDER = choose();
    private static final int WRAP_DATA_SIZE = 256 * 1024;

    private TlsProvider() {
    }

    public static SslProvider provider() {
        return PROVIDER;
    }

    /** A server context for this certificate chain (leaf first) and key, offering HTTP/2 and HTTP/1.1. */
    public static SslContext serverContext(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(PROVIDER)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /**
     * A handler for one connection. Each wrap takes up to a whole chunk of a file body and
     * makes many TLS records of it in one call, instead of one call, one buffer and one
     * promise per 16 KiB record: most of the CPU a TLS answer costs besides the cipher.
     */
    public static SslHandler newHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = context.newHandler(allocator);
        handler.setWrapDataSize(WRAP_DATA_SIZE);
        return handler;
    }

    private static SslProvider choose() {
        if (OpenSsl.isAvailable()) {
            LOG.info("TLS by {} (netty-tcnative)", OpenSsl.versionString());
            return SslProvider.OPENSSL;
        }
        LOG.warn("TLS by the JDK: netty-tcnative cannot load ({})", String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }
}
