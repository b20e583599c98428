package io.aicache.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Talks to one upstream registry: authentication (anonymous, the Bearer token flow, Basic),
 * redirects to blob storage (followed without credentials when they lead to another host)
 * and bodies either buffered (manifests, lists: the JDK client) or streamed (blobs: {@link BlobStreams}).
 */
public final class RegistryClient {

    private static final int MAX_REDIRECTS = 5;

    private final UpstreamRegistry registry;
    private final HttpClient http;
    private final Hop<Flow.Publisher<List<ByteBuffer>>> streams;
    private final Duration firstByteTimeout;
    private final BearerTokens tokens;
    private final UpstreamHealth health;
    /** Set once the registry asked for Basic credentials, so later requests send them at once. */
    private volatile boolean basicChallenged;

    public RegistryClient(UpstreamRegistry registry, HttpClient http, BlobStreams blobStreams, Duration firstByteTimeout,
                          UpstreamHealth health) {
        this.registry = registry;
        this.http = http;
        this.streams = (uri, method, headers) -> blobStreams.send(method, uri, headers, firstByteTimeout);
        this.firstByteTimeout = firstByteTimeout;
        this.health = health;
        this.tokens = new BearerTokens(http, registry.credentials(), firstByteTimeout, Clock.systemUTC());
    }

    public UpstreamRegistry registry() {
        return registry;
    }

    /** Whether the upstream is marked down after repeated failures. */
    public boolean isDown() {
        return health.isDown();
    }

    /**
     * Sends {@code request}; the body is read whole, up to {@code maxBodyBytes}: more is an error,
     * whether the length was announced or the body is chunked and only runs on.
     */
    public CompletableFuture<UpstreamResponse<byte[]>> fetch(UpstreamRequest request, long maxBodyBytes) {
        return send(request, jdk(info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(0);
            if (declared > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            return new LimitedBody(maxBodyBytes);
        }));
    }

    /** Sends a request whose answer's headers are all that matter (a HEAD). */
    public CompletableFuture<UpstreamResponse<Void>> head(UpstreamRequest request) {
        return send(request, jdk(info -> BodySubscribers.replacing(null)));
    }

    /**
     * Sends {@code request} and completes when the headers arrive. A successful answer's body
     * is a publisher the caller must subscribe to (and may cancel), with {@link BlobStreams}'
     * terms: an item's buffers are the subscriber's until it asks for the next, and its methods
     * must not block. Other answers carry none.
     */
    public CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> open(UpstreamRequest request) {
        return send(request, streams);
    }

    /** Sends one request to one URL as it stands; authentication and redirects are {@link #attempt}'s. */
    @FunctionalInterface
    private interface Hop<T> {
        CompletableFuture<UpstreamResponse<T>> send(URI uri, String method, Map<String, List<String>> headers);
    }

    /** A hop through the JDK client; an answer that {@link #attempt} acts on (401, a redirect) gets no body. */
    private <T> Hop<T> jdk(BodyHandler<T> bodies) {
        BodyHandler<T> handler = info -> info.statusCode() == 401 || isRedirect(info.statusCode())
                ? BodySubscribers.replacing(null)
                : bodies.apply(info);
        return (uri, method, headers) -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .timeout(firstByteTimeout)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            headers.forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
            return http.sendAsync(builder.build(), handler).thenApply(RegistryClient::wrap);
        };
    }

    private <T> CompletableFuture<UpstreamResponse<T>> send(UpstreamRequest request, Hop<T> hop) {
        if (!health.admit()) {
            return CompletableFuture.failedFuture(new UpstreamDownException(registry.name()));
        }
        String scope = "repository:" + request.repository() + ":pull";
        Optional<String> auth = tokens.cached(scope).map(token -> "Bearer " + token)
                .or(() -> basicChallenged ? registry.credentials().map(Credentials::basicHeader) : Optional.empty());
        return attempt(request, apiUri(request), auth, scope, hop, true, 0).whenComplete((response, failure) -> {
            if (failure != null || response.status() >= 500) {
                health.failed();
            } else {
                health.succeeded();
            }
        });
    }

    private <T> CompletableFuture<UpstreamResponse<T>> attempt(UpstreamRequest request, URI uri, Optional<String> auth,
                                                               String scope, Hop<T> hop,
                                                               boolean mayAuthenticate, int redirects) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        auth.ifPresent(value -> headers.put("Authorization", List.of(value)));
        return hop.send(uri, request.method(), headers).thenCompose(response -> {
            int status = response.status();
            if (status == 401 && mayAuthenticate) {
                return authenticate(response.headers(), scope, auth).thenCompose(newAuth -> newAuth.isEmpty()
                        ? CompletableFuture.completedFuture(response)
                        : attempt(request, uri, newAuth, scope, hop, false, redirects));
            }
            if (isRedirect(status) && redirects < MAX_REDIRECTS) {
                Optional<String> location = response.header("Location");
                if (location.isPresent()) {
                    URI next = uri.resolve(location.get());
                    Optional<String> nextAuth = sameOrigin(uri, next) ? auth : Optional.empty();
                    return attempt(request, next, nextAuth, scope, hop, false, redirects + 1);
                }
            }
            return CompletableFuture.completedFuture(response);
        });
    }

    /** The Authorization value to retry with, or empty when the challenge cannot be met. */
    private CompletableFuture<Optional<String>> authenticate(HttpHeaders headers, String scope, Optional<String> refused) {
        List<Challenge> challenges = Challenge.parse(String.join(", ", headers.allValues("WWW-Authenticate")));
        for (Challenge challenge : challenges) {
            if (challenge.scheme().equals("bearer")) {
                refused.filter(value -> value.startsWith("Bearer "))
                        .ifPresent(value -> tokens.invalidate(scope, value.substring("Bearer ".length())));
                return tokens.obtain(challenge, scope).thenApply(token -> Optional.of("Bearer " + token));
            }
            if (challenge.scheme().equals("basic") && registry.credentials().isPresent()) {
                basicChallenged = true;
                return CompletableFuture.completedFuture(registry.credentials().map(Credentials::basicHeader));
            }
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    private URI apiUri(UpstreamRequest request) {
        String base = registry.endpoint().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + request.apiPath() + (request.query() == null ? "" : "?" + request.query()));
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }

    private static <T> UpstreamResponse<T> wrap(HttpResponse<T> response) {
        return new UpstreamResponse<>(response.statusCode(), response.headers(), response.body());
    }
}
