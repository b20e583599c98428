package io.aicache.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Plain GETs for one upstream with an origin of its own (a chart repository, a file remote):
 * redirects followed, credentials ({@code authorization}) sent only to that origin's scheme, host
 * and port, never to the host a redirect leads to; outcomes told to the upstream's health.
 */
final class OriginBoundGets {

    private static final int MAX_REDIRECTS = 5;

    private final String name;
    private final URI origin;
    private final HttpClient http;
    private final Duration firstByteTimeout;
    private final UpstreamHealth health;
    private final Supplier<Optional<String>> authorization;

    OriginBoundGets(String name, URI origin, HttpClient http, Duration firstByteTimeout, UpstreamHealth health,
                    Supplier<Optional<String>> authorization) {
        this.name = name;
        this.origin = origin;
        this.http = http;
        this.firstByteTimeout = firstByteTimeout;
        this.health = health;
        this.authorization = authorization;
    }

    boolean isDown() {
        return health.isDown();
    }

    /** A 2xx body read whole up to {@code maxBodyBytes} (more is a {@link BodyTooLargeException}); other answers carry none. */
    static BodyHandler<byte[]> wholeBody(long maxBodyBytes) {
        return info -> {
            if (info.statusCode() < 200 || info.statusCode() >= 300) {
                return BodySubscribers.replacing(null);
            }
            if (info.headers().firstValueAsLong("Content-Length").orElse(0) > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            return new LimitedBody(maxBodyBytes);
        };
    }

    <T> CompletableFuture<UpstreamResponse<T>> get(URI uri, Map<String, String> headers, BodyHandler<T> bodies) {
        if (!health.admit()) {
            return CompletableFuture.failedFuture(new UpstreamDownException(name));
        }
        return attempt(uri, headers, bodies, 0).whenComplete((response, failure) -> {
            if (failure != null || response.status() >= 500) {
                health.failed();
            } else {
                health.succeeded();
            }
        });
    }

    private <T> CompletableFuture<UpstreamResponse<T>> attempt(URI uri, Map<String, String> headers,
                                                               BodyHandler<T> bodies, int redirects) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(firstByteTimeout).GET();
        headers.forEach(builder::header);
        if (RegistryClient.sameOrigin(uri, origin)) {
            authorization.get().ifPresent(value -> builder.header("Authorization", value));
        }
        BodyHandler<T> handler = info -> RegistryClient.isRedirect(info.statusCode())
                ? BodySubscribers.replacing(null)
                : bodies.apply(info);
        return http.sendAsync(builder.build(), handler).thenCompose(response -> {
            if (RegistryClient.isRedirect(response.statusCode()) && redirects < MAX_REDIRECTS) {
                String location = response.headers().firstValue("Location").orElse(null);
                if (location != null) {
                    return attempt(uri.resolve(location), headers, bodies, redirects + 1);
                }
            }
            return CompletableFuture.completedFuture(UpstreamResponse.of(response));
        });
    }
}
