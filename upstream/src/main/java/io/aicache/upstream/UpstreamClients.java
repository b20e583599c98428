package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import javax.net.ssl.TrustManagerFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * Every connection stack aicache talks to registries with. One {@link RegistryClient} per configured upstream
 * (with a health per endpoint, so one endpoint's failures mark only it down), sharing one JDK HTTP client and one set of
 * {@link BlobStreams} (and so their keep-alive connection pools), whose callbacks run on the given
 * executor. A registry with a CA of its own gets a client and blob streams of its own: trust is per client.
 * The CONNECT proxy's pass-through gets its {@link PassThroughClient} here too.
 */
public final class UpstreamClients {

    /**
     * Bytes the JDK client reads from a socket at once. Its default, 16 KiB, makes a large body
     * (a Helm index, a chart) 64 reads, callbacks and copies per MiB; 128 KiB took a fill through
     * the JDK client 40% less CPU (BENCHMARKS.md) before blobs moved to {@link BlobStreams}. Read
     * once, when the first JDK client is built: set here, before it is.
     */
    static final String READ_BUFFER_PROPERTY = "jdk.httpclient.bufsize";
    static final String READ_BUFFER_BYTES = Integer.toString(128 * 1024);

    static {
        if (System.getProperty(READ_BUFFER_PROPERTY) == null) {
            System.setProperty(READ_BUFFER_PROPERTY, READ_BUFFER_BYTES);
        }
    }

    private final Map<String, RegistryClient> byName = new LinkedHashMap<>();
    private final PassThroughClient passThrough;

    /**
     * @param failuresToMarkDown failures in a row after which an upstream is marked down
     * @param downFor            how long it stays down before a probe is let through
     * @param offline            never send anything upstream
     * @param observer           told which endpoints answer and which requests fail over
     */
    public UpstreamClients(Collection<UpstreamRegistry> registries, Executor executor, Connections connections,
                           Duration firstByteTimeout, int failuresToMarkDown, Duration downFor, boolean offline,
                           UpstreamObserver observer) {
        HttpClient shared = newHttpClient(executor, connections.connectTimeout());
        BlobStreams sharedStreams = connections.blobStreams(TrustedCas.jdkTrustManagers(), executor);
        Map<String, TrustManagerFactory> privateTrust = new LinkedHashMap<>();
        for (UpstreamRegistry registry : registries) {
            HttpClient http = shared;
            BlobStreams streams = sharedStreams;
            if (registry.caFile().isPresent()) {
                TrustManagerFactory trust = TrustedCas.trustManagers(registry.caFile().get());
                privateTrust.put(registry.name(), trust);
                http = newClient(executor, connections.connectTimeout()).sslContext(TrustedCas.context(trust)).build();
                streams = connections.blobStreams(trust, executor);
            }
            byName.put(registry.name(), new RegistryClient(registry, http, streams, firstByteTimeout,
                    () -> newHealth(failuresToMarkDown, downFor, offline), observer));
        }
        passThrough = new PassThroughClient(registries, privateTrust, connections.connectTimeout(), firstByteTimeout);
    }

    /**
     * How connections to upstream are made: the event loops blob streams run on (and the channel
     * class that goes with them), and the connect timeout.
     */
    public record Connections(EventLoopGroup loops, Class<? extends Channel> channelType, Duration connectTimeout) {

        BlobStreams blobStreams(TrustManagerFactory trust, Executor callbacks) {
            return new BlobStreams(loops, channelType, connectTimeout, trust, callbacks);
        }
    }

    /** A {@link #newClient(Duration) client} whose callbacks run on {@code executor}. */
    static HttpClient newHttpClient(Executor executor, Duration connectTimeout) {
        return newClient(executor, connectTimeout).build();
    }

    static UpstreamHealth newHealth(int failuresToMarkDown, Duration downFor, boolean offline) {
        return offline ? UpstreamHealth.offline() : new UpstreamHealth(failuresToMarkDown, downFor, Clock.systemUTC());
    }

    private static HttpClient.Builder newClient(Executor executor, Duration connectTimeout) {
        return newClient(connectTimeout).executor(executor);
    }

    /**
     * A JDK client of every kind aicache sends with: HTTP/1.1 (range GETs spread over connections, and no
     * h2c upgrade attempt on an http:// endpoint), redirects followed by the callers themselves.
     */
    static HttpClient.Builder newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout);
    }

    /** Every configured upstream's client, in configuration order. */
    public Collection<RegistryClient> all() {
        return byName.values();
    }

    /** What the CONNECT proxy relays uncached requests to intercepted hosts with. */
    public PassThroughClient passThrough() {
        return passThrough;
    }

    /** The client for the upstream clients call {@code name}. */
    public Optional<RegistryClient> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
