package io.aicache.upstream;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import javax.net.ssl.TrustManagerFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * Every connection stack aicache talks to registries with. One {@link RegistryClient} per configured upstream
 * (with a health per endpoint, so one endpoint's failures mark only it down), sharing one JDK HTTP client and one set of
 * {@link BlobStreams} (and so their keep-alive connection pools), whose callbacks run on the given
 * executor. A registry with a CA of its own gets a client and blob streams of its own: trust is per client.
 * Registries of a {@link RegistryHostPattern} get their client when a request first names them.
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

    /** Hosts a pattern may bring in at most: names come from clients, the clients they make stay. */
    static final int MAX_PATTERN_HOSTS = 256;

    private final Map<String, RegistryClient> byName = new LinkedHashMap<>();
    private final List<RegistryHostPattern> patterns;
    private final Map<String, RegistryClient> byPatternHost = new ConcurrentHashMap<>();
    private final PassThroughClient passThrough;
    private final Executor executor;
    private final Connections connections;
    private final Duration firstByteTimeout;
    private final int failuresToMarkDown;
    private final Duration downFor;
    private final boolean offline;
    private final UpstreamObserver observer;
    private final Stack shared;
    private final Map<List<Path>, Stack> byCaFiles = new ConcurrentHashMap<>();

    /** A JDK client and blob streams that trust the same CAs. */
    private record Stack(HttpClient http, BlobStreams streams, TrustManagerFactory trust) {
    }

    /**
     * @param patterns           registries clients may name by any host these match, tried in order
     * @param failuresToMarkDown failures in a row after which an upstream is marked down
     * @param downFor            how long it stays down before a probe is let through
     * @param offline            never send anything upstream
     * @param observer           told of each registry client made, which endpoints answer and which requests fail over
     */
    public UpstreamClients(Collection<UpstreamRegistry> registries, List<RegistryHostPattern> patterns, Executor executor,
                           Connections connections, Duration firstByteTimeout, int failuresToMarkDown, Duration downFor,
                           boolean offline, UpstreamObserver observer) {
        this.patterns = List.copyOf(patterns);
        this.executor = executor;
        this.connections = connections;
        this.firstByteTimeout = firstByteTimeout;
        this.failuresToMarkDown = failuresToMarkDown;
        this.downFor = downFor;
        this.offline = offline;
        this.observer = observer;
        TrustManagerFactory jdkTrust = TrustedCas.jdkTrustManagers();
        this.shared = new Stack(newHttpClient(executor, connections.connectTimeout()),
                connections.blobStreams(jdkTrust, executor), jdkTrust);
        Map<String, TrustManagerFactory> privateTrust = new LinkedHashMap<>();
        for (UpstreamRegistry registry : registries) {
            if (!registry.caFiles().isEmpty()) {
                privateTrust.put(registry.name(), stackTrusting(registry.caFiles()).trust());
            }
            byName.put(registry.name(), newRegistryClient(registry));
        }
        passThrough = new PassThroughClient(registries, privateTrust, connections.connectTimeout(), firstByteTimeout);
    }

    private RegistryClient newRegistryClient(UpstreamRegistry registry) {
        Stack stack = registry.caFiles().isEmpty() ? shared : stackTrusting(registry.caFiles());
        RegistryClient client = new RegistryClient(registry, stack.http(), stack.streams(), firstByteTimeout,
                () -> newHealth(failuresToMarkDown, downFor, offline), observer, executor);
        observer.added(registry.name(), client.rateLimit());
        return client;
    }

    /** One stack per set of CA files, however many registries (or pattern hosts) trust it: trust is per client. */
    private Stack stackTrusting(List<Path> caFiles) {
        return byCaFiles.computeIfAbsent(caFiles, files -> {
            TrustManagerFactory trust = TrustedCas.trustManagers(files);
            return new Stack(newClient(executor, connections.connectTimeout()).sslContext(TrustedCas.context(trust)).build(),
                    connections.blobStreams(trust, executor), trust);
        });
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

    /** Every configured upstream's client, in configuration order, then those pattern hosts brought in. */
    public Collection<RegistryClient> all() {
        List<RegistryClient> all = new ArrayList<>(byName.values());
        all.addAll(byPatternHost.values());
        return all;
    }

    /** What the CONNECT proxy relays uncached requests to intercepted hosts with. */
    public PassThroughClient passThrough() {
        return passThrough;
    }

    /**
     * The client for the upstream clients call {@code name}: a configured registry, else one of the first
     * host pattern that matches it, made the first time it is asked for (up to {@link #MAX_PATTERN_HOSTS}).
     */
    public Optional<RegistryClient> byName(String name) {
        RegistryClient configured = byName.get(name);
        if (configured != null) {
            return Optional.of(configured);
        }
        RegistryClient known = byPatternHost.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        for (RegistryHostPattern pattern : patterns) {
            if (pattern.matches(name)) {
                return Optional.ofNullable(fromPattern(pattern, name));
            }
        }
        return Optional.empty();
    }

    private synchronized RegistryClient fromPattern(RegistryHostPattern pattern, String host) {
        RegistryClient known = byPatternHost.get(host);
        if (known != null || byPatternHost.size() >= MAX_PATTERN_HOSTS) {
            return known;
        }
        RegistryClient client = newRegistryClient(pattern.registryFor(host));
        byPatternHost.put(host, client);
        return client;
    }
}
