package io.aicache.proxy.connect;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.config.UpstreamConfig;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.upstream.TrustedCas;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Passes a request to an intercepted host on to where that host really is and streams the
 * answer back unchanged, redirects included. A host that is a configured registry is reached
 * at the registry's endpoint, trusted as the registry is; any other host at its own name over
 * HTTPS, verified against the JDK's CAs. Only hosts on the intercept list, which the operator
 * chose, are reached this way.
 */
final class Passthrough {

    private static final Logger LOG = LoggerFactory.getLogger(Passthrough.class);
    /** Hop-by-hop headers, and those the HTTP client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "http2-settings");

    private final HttpClient shared;
    private final Map<String, HttpClient> byRegistry = new HashMap<>();
    private final Map<String, URI> endpoints = new HashMap<>();
    private final Duration firstByteTimeout;

    Passthrough(List<UpstreamConfig.Registry> registries, Duration connectTimeout, Duration firstByteTimeout) {
        this.shared = newClient(connectTimeout).build();
        for (UpstreamConfig.Registry registry : registries) {
            endpoints.put(registry.name(), registry.endpoint());
            if (registry.caFile() != null) {
                byRegistry.put(registry.name(), newClient(connectTimeout).sslContext(TrustedCas.context(registry.caFile())).build());
            }
        }
        this.firstByteTimeout = firstByteTimeout;
    }

    private static HttpClient.Builder newClient(Duration connectTimeout) {
        // HTTP/1.1 as for the registries themselves: no h2c upgrade attempt on an http:// endpoint.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout);
    }

    /** @param registry the configured registry the host is, or {@code null} */
    void forward(Exchange exchange, FullHttpRequest request, ConnectTarget target, String registry) {
        exchange.route("passthrough");
        if (!request.uri().startsWith("/")) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "request target must be a path, got '" + request.uri() + "'");
        }
        URI base = registry != null ? endpoints.get(registry) : URI.create("https://" + target);
        HttpClient http = registry != null ? byRegistry.getOrDefault(registry, shared) : shared;
        URI uri;
        try {
            uri = new URI(base.getScheme() + "://" + base.getRawAuthority() + request.uri());
        } catch (URISyntaxException e) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "request target is not a valid path: " + e.getReason());
        }
        HttpRequest.Builder outgoing = HttpRequest.newBuilder(uri).timeout(firstByteTimeout)
                .method(request.method().name(), request.content().isReadable()
                        ? HttpRequest.BodyPublishers.ofByteArray(ByteBufUtil.getBytes(request.content()))
                        : HttpRequest.BodyPublishers.noBody());
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(name) && !name.startsWith(":") && !name.startsWith("x-http2-")) {
                outgoing.header(header.getKey(), header.getValue());
            }
        }
        http.sendAsync(outgoing.build(), BodyHandlers.ofPublisher())
                .whenComplete((response, failure) -> exchange.onLoop(() -> {
                    if (failure != null) {
                        LOG.debug("passing {} {} to {} failed: {}", request.method(), exchange.requestPath(), base,
                                failure.toString());
                        exchange.sendError(new RegistryException(ErrorCode.UNKNOWN,
                                "cannot reach " + target.host() + ": " + failure.getClass().getSimpleName()));
                        return;
                    }
                    exchange.tier("upstream");
                    exchange.writeHead(head(response, exchange.isHead()));
                    response.body().subscribe(new BodyRelay(exchange));
                }));
    }

    private static HttpResponse head(java.net.http.HttpResponse<?> response, boolean isHead) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.statusCode()));
        boolean hasLength = false;
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || (NOT_FORWARDED.contains(name) && !name.equals("content-length"))) {
                continue;
            }
            hasLength |= name.equals("content-length");
            head.headers().add(header.getKey(), header.getValue());
        }
        int status = response.statusCode();
        if (!hasLength && !isHead && status != 204 && status != 304) {
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return head;
    }
}
