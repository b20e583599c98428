package io.aicache.proxy.connect;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.config.ProxyConfig;
import io.aicache.proxy.config.UpstreamConfig;
import io.aicache.proxy.http.RequestRecord;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.server.Listener;
import io.aicache.proxy.server.Transport;
import io.aicache.proxy.tls.CertificateAuthority;
import io.aicache.proxy.tls.MintedCertificates;
import io.aicache.upstream.PassThroughClient;

/**
 * The HTTPS proxy listener: clients with {@code HTTPS_PROXY} pointing here CONNECT to
 * registries; the listed ones are served from the cache through the same {@link OciApi} as
 * the registry listener, the others tunnelled or refused.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** Name lookups block; they get threads of their own, off the event loops. */
    private static final int RESOLVER_THREADS = 2;

    private final ExecutorService resolver;
    private final Listener listener;

    /** What the proxy serves with: the cache, the upstream settings and client, and the request observer. */
    public record Services(OciApi oci, List<UpstreamConfig.Registry> registries, Duration connectTimeout,
                           PassThroughClient passThrough, Consumer<RequestRecord> observer, Metrics metrics) {
    }

    public ProxyServer(ProxyConfig config, int ioThreads, CertificateAuthority ca, Services services)
            throws InterruptedException {
        this.resolver = Executors.newFixedThreadPool(RESOLVER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "aicache-proxy-resolver");
            thread.setDaemon(true);
            return thread;
        });
        Transport transport = Transport.best();
        InterceptPolicy policy = new InterceptPolicy(config, services.registries());
        Passthrough passthrough = new Passthrough(services.passThrough());
        Interceptor interceptor = new Interceptor(new MintedCertificates(ca), target -> new InterceptedRequests(target,
                policy.registryFor(target.host()).orElse(null), services.oci(), passthrough, services.observer()));
        Tunnels tunnels = new Tunnels(new AddressPolicy(config.allowPrivateAddresses()), resolver,
                transport.socketChannel(), (int) services.connectTimeout().toMillis(), config.tunnelIdleTimeout(),
                services.metrics());
        ConnectHandler connect = new ConnectHandler(new ProxyCredentials(config.username(), config.password()),
                policy, interceptor, tunnels, services.metrics());
        try {
            this.listener = new Listener("aicache-proxy", config.address(), ioThreads, new ProxyPipeline(connect));
        } catch (RuntimeException | InterruptedException e) {
            resolver.shutdownNow();
            throw e;
        }
        LOG.info("HTTPS proxy listener on {}: intercepting {}, {} others; clients must trust the CA {}",
                listener.localAddress(), config.intercept(), config.listedOnly() ? "refusing" : "tunnelling",
                ca.certificate().getSubjectX500Principal().getName());
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public void close() {
        listener.close();
        resolver.shutdownNow();
    }
}
