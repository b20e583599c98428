package io.aicache.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Talks to one upstream registry: authentication (anonymous, the Bearer token flow, Basic),
 * redirects to blob storage (followed without credentials when they lead to another host)
 * and bodies either buffered (manifests, lists) or streamed (blobs).
 */
public final class RegistryClient {

    private static final int MAX_REDIRECTS = 5;

    private final UpstreamRegistry registry;
    private final HttpClient http;
    private final Duration firstByteTimeout;
    private final BearerTokens tokens;
    private final UpstreamHealth health;
    /** Set once the registry asked for Basic credentials, so later requests send them at once. */
    private volatile boolean basicChallenged;

    public RegistryClient(UpstreamRegistry registry, HttpClient http, Duration firstByteTimeout, UpstreamHealth health) {
        this.registry = registry;
        this.http = http;
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
        return send(request, info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(0);
            if (declared > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            return new LimitedBody(maxBodyBytes);
        });
    }

    /** Sends a request whose answer's headers are all that matter (a HEAD). */
    public CompletableFuture<UpstreamResponse<Void>> head(UpstreamRequest request) {
        return send(request, info -> BodySubscribers.replacing(null));
    }

    /**
     * Sends {@code request} and completes when the headers arrive. A successful answer's body
     * is a publisher the caller must subscribe to (and may cancel); other answers carry none.
     */
    public CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> open(UpstreamRequest request) {
        return send(request, info -> info.statusCode() >= 200 && info.statusCode() < 300
                ? BodySubscribers.ofPublisher()
                : BodySubscribers.replacing(null));
    }

    private <T> CompletableFuture<UpstreamResponse<T>> send(UpstreamRequest request, BodyHandler<T> bodies) {
        if (!health.admit()) {
            return CompletableFuture.failedFuture(new UpstreamDownException(registry.name()));
        }
        String scope = "repository:" + request.repository() + ":pull";
        Optional<String> auth = tokens.cached(scope).map(token -> "Bearer " + token)
                .or(() -> basicChallenged ? registry.credentials().map(Credentials::basicHeader) : Optional.empty());
        return attempt(request, apiUri(request), auth, scope, bodies, true, 0).whenComplete((response, failure) -> {
            if (failure != null || response.status() >= 500) {
                health.failed();
            } else {
                health.succeeded();
            }
        });
    }

    private <T> CompletableFuture<UpstreamResponse<T>> attempt(UpstreamRequest request, URI uri, Optional<String> auth,
                                                               String scope, BodyHandler<T> bodies,
                                                               boolean mayAuthenticate, int redirects) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(firstByteTimeout)
                .method(request.method(), HttpRequest.BodyPublishers.noBody());
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        auth.ifPresent(value -> builder.header("Authorization", value));
        BodyHandler<T> handler = info -> info.statusCode() == 401 || isRedirect(info.statusCode())
                ? BodySubscribers.replacing(null)
                : bodies.apply(info);
        return http.sendAsync(builder.build(), handler).thenCompose(response -> {
            int status = response.statusCode();
            if (status == 401 && mayAuthenticate) {
                return authenticate(response, scope, auth).thenCompose(newAuth -> newAuth.isEmpty()
                        ? CompletableFuture.completedFuture(wrap(response))
                        : attempt(request, uri, newAuth, scope, bodies, false, redirects));
            }
            if (isRedirect(status) && redirects < MAX_REDIRECTS) {
                Optional<String> location = response.headers().firstValue("Location");
                if (location.isPresent()) {
                    URI next = uri.resolve(location.get());
                    Optional<String> nextAuth = sameOrigin(uri, next) ? auth : Optional.empty();
                    return attempt(request, next, nextAuth, scope, bodies, false, redirects + 1);
                }
            }
            return CompletableFuture.completedFuture(wrap(response));
        });
    }

    /** The Authorization value to retry with, or empty when the challenge cannot be met. */
    private CompletableFuture<Optional<String>> authenticate(HttpResponse<?> response, String scope,
                                                             Optional<String> refused) {
        List<Challenge> challenges = Challenge.parse(String.join(", ", response.headers().allValues("WWW-Authenticate")));
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
