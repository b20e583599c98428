package io.aicache.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import javax.net.ssl.TrustManagerFactory;

/**
 * Relays requests to intercepted hosts as they are (the CONNECT proxy's pass-through of what it does not
 * cache), redirects not followed. A host that is a configured registry is reached at the registry's
 * {@link UpstreamRegistry#direct() direct} endpoint,
 * trusted as the registry is; any other host at its own name over HTTPS, verified against the JDK's CAs.
 */
public final class PassThroughClient {

    private final HttpClient shared;
    private final Map<String, HttpClient> byRegistry = new HashMap<>();
    private final Map<String, URI> endpoints = new HashMap<>();
    private final Duration firstByteTimeout;

    /** @param privateTrust the trust of each registry with a CA of its own, by registry name */
    PassThroughClient(Collection<UpstreamRegistry> registries, Map<String, TrustManagerFactory> privateTrust,
                      Duration connectTimeout, Duration firstByteTimeout) {
        this.shared = UpstreamClients.newClient(connectTimeout).build();
        for (UpstreamRegistry registry : registries) {
            endpoints.put(registry.name(), registry.direct().url());
        }
        privateTrust.forEach((name, trust) -> byRegistry.put(name,
                UpstreamClients.newClient(connectTimeout).sslContext(TrustedCas.context(trust)).build()));
        this.firstByteTimeout = firstByteTimeout;
    }

    /**
     * Sends one request on and completes with the answer's head; its body streams as the JDK client's
     * publisher does.
     *
     * @param registry  the configured registry the host is, or {@code null}
     * @param authority the host (and port) the client asked for, used when {@code registry} is {@code null}
     * @param target    the request target, a path with its query
     * @param headers   the headers to send, hop-by-hop ones already left out
     * @param body      the request body, empty for none
     * @throws IllegalArgumentException when {@code target} is not a valid path
     */
    public CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> forward(
            String registry, String authority, String method, String target, Map<String, List<String>> headers, byte[] body) {
        URI base = registry != null ? endpoints.get(registry) : URI.create("https://" + authority);
        HttpClient http = registry != null ? byRegistry.getOrDefault(registry, shared) : shared;
        URI uri;
        try {
            uri = new URI(base.getScheme() + "://" + base.getRawAuthority() + target);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("request target is not a valid path: " + e.getReason(), e);
        }
        HttpRequest.Builder outgoing = HttpRequest.newBuilder(uri).timeout(firstByteTimeout)
                .method(method, body.length > 0 ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.noBody());
        headers.forEach((name, values) -> values.forEach(value -> outgoing.header(name, value)));
        return http.sendAsync(outgoing.build(), BodyHandlers.ofPublisher()).thenApply(UpstreamResponse::of);
    }
}
