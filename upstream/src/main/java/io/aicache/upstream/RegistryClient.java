package io.aicache.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;

import io.aicache.model.Digest;
import io.aicache.model.Repository;

/**
 * Talks to one upstream registry in the distribution API's terms: blobs (whole or a range), a blob's size,
 * manifests, tag lists and referrers. How those become requests is private to this module: paths,
 * which of the registry's endpoints is asked (the first not marked down; the next when it cannot answer),
 * authentication (an {@link Authenticator} per endpoint), redirects to blob storage (followed without
 * credentials when they lead to another host), and which client carries the body: buffered (manifests,
 * lists: the JDK client) or streamed (blobs: {@link BlobStreams}).
 */
public final class RegistryClient {

    private static final int MAX_REDIRECTS = 5;

    private final UpstreamRegistry registry;
    private final HttpClient http;
    private final Hop<Flow.Publisher<List<ByteBuffer>>> streams;
    private final Duration firstByteTimeout;
    private final Optional<CredentialSource> credentials;
    private final Endpoints endpoints;
    private final UpstreamObserver observer;
    private final RateLimitBudget rateLimit = new RateLimitBudget(Clock.systemUTC());

    /**
     * @param health            makes the health of one endpoint; each endpoint gets its own
     * @param credentialFetches where credentials are fetched (a token service, a helper process): never an event loop
     */
    public RegistryClient(UpstreamRegistry registry, HttpClient http, BlobStreams blobStreams, Duration firstByteTimeout,
                          Supplier<UpstreamHealth> health, UpstreamObserver observer, Executor credentialFetches) {
        this.registry = registry;
        this.http = http;
        this.streams = (uri, method, headers) -> blobStreams.send(method, uri, headers, firstByteTimeout);
        this.firstByteTimeout = firstByteTimeout;
        // One source for every endpoint: a renewal serves them all; tokens stay per endpoint.
        this.credentials = registry.credentials()
                .map(provider -> new CredentialSource(provider, credentialFetches, Clock.systemUTC()));
        this.endpoints = new Endpoints(registry.endpoints(), health,
                endpoint -> Authenticators.forRegistry(endpoint.offeredCredentials() ? credentials : Optional.empty(),
                        http, firstByteTimeout));
        this.observer = observer;
    }

    public UpstreamRegistry registry() {
        return registry;
    }

    /** The kind of credential aicache sends this registry, for messages; empty: it pulls anonymously. */
    public Optional<String> credentialKind() {
        return credentials.map(CredentialSource::kind);
    }

    /** Whether every endpoint of the registry is marked down after repeated failures. */
    public boolean isDown() {
        return endpoints.isDown();
    }

    /** Whether any request to it has been answered or has failed since start. */
    public boolean isChecked() {
        return endpoints.isChecked();
    }

    /** The registry's pull limit, as its answers' headers tell it. */
    public RateLimitBudget rateLimit() {
        return rateLimit;
    }

    /**
     * The blob {@code digest}, streamed: a successful answer's body is a publisher the caller must subscribe
     * to (and may cancel), with {@link BlobStreams}' terms: an item's buffers are the subscriber's until it
     * asks for the next, and its methods must not block. Other answers carry none.
     */
    public CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> blob(Repository repository, Digest digest) {
        return open(UpstreamRequest.blob("GET", repository, digest, Map.of()));
    }

    /** The part {@code range} of the blob {@code digest}, streamed as {@link #blob(Repository, Digest)} is. */
    public CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> blob(Repository repository, Digest digest,
                                                                                    BlobRange range) {
        return open(UpstreamRequest.blob("GET", repository, digest, Map.of("Range", List.of(range.header()))));
    }

    /** Whether upstream has the blob, and its size and digest headers: a HEAD, nothing else fetched. */
    public CompletableFuture<UpstreamResponse<Void>> blobHead(Repository repository, Digest digest) {
        return head(UpstreamRequest.blob("HEAD", repository, digest, Map.of()));
    }

    /**
     * The manifest {@code reference} (a tag or a digest), read whole up to {@code maxBytes}.
     *
     * @param accepted the media types the client takes; none means every manifest type
     */
    public CompletableFuture<UpstreamResponse<byte[]>> manifest(Repository repository, String reference,
                                                                List<String> accepted, long maxBytes) {
        return fetch(UpstreamRequest.manifest("GET", repository, reference, accepted), maxBytes);
    }

    /** The manifest {@code reference}'s headers ({@code Docker-Content-Digest}) from a HEAD. */
    public CompletableFuture<UpstreamResponse<Void>> manifestHead(Repository repository, String reference,
                                                                  List<String> accepted) {
        return head(UpstreamRequest.manifest("HEAD", repository, reference, accepted));
    }

    /**
     * A page of the repository's tags.
     *
     * @param paging the client's query parameters; {@code n} and {@code last} are passed on
     */
    public CompletableFuture<UpstreamResponse<byte[]>> tags(Repository repository, Map<String, List<String>> paging,
                                                            long maxBytes) {
        return fetch(UpstreamRequest.tags(repository, paging), maxBytes);
    }

    /** The referrers of {@code digest}, filtered upstream by {@code artifactTypes} when it can. */
    public CompletableFuture<UpstreamResponse<byte[]>> referrers(Repository repository, Digest digest,
                                                                 List<String> artifactTypes, long maxBytes) {
        return fetch(UpstreamRequest.referrers(repository, digest, artifactTypes), maxBytes);
    }

    /**
     * Sends {@code request}; the body is read whole, up to {@code maxBodyBytes}: more is an error,
     * whether the length was announced or the body is chunked and only runs on.
     */
    private CompletableFuture<UpstreamResponse<byte[]>> fetch(UpstreamRequest request, long maxBodyBytes) {
        return send(request, jdk(info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(0);
            if (declared > maxBodyBytes) {
                throw new BodyTooLargeException(maxBodyBytes);
            }
            return new LimitedBody(maxBodyBytes);
        }));
    }

    /** Sends a request whose answer's headers are all that matter (a HEAD). */
    private CompletableFuture<UpstreamResponse<Void>> head(UpstreamRequest request) {
        return send(request, jdk(info -> BodySubscribers.replacing(null)));
    }

    /** Sends {@code request} and completes when the headers arrive; the body as {@link #blob(Repository, Digest)}'s. */
    private CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> open(UpstreamRequest request) {
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
            return http.sendAsync(builder.build(), handler).thenApply(UpstreamResponse::of);
        };
    }

    private <T> CompletableFuture<UpstreamResponse<T>> send(UpstreamRequest request, Hop<T> hop) {
        return endpoints.firstAdmitted(0)
                .map(endpoint -> sendTo(endpoint, request, hop))
                .orElseGet(() -> CompletableFuture.failedFuture(new UpstreamDownException(registry.name())));
    }

    /**
     * Sends {@code request} to {@code endpoint}; when it cannot answer (refused, timed out, 5xx), to the
     * next endpoint not marked down. Every request is a GET or HEAD, so sending it again is harmless.
     */
    private <T> CompletableFuture<UpstreamResponse<T>> sendTo(Endpoints.Endpoint endpoint, UpstreamRequest request,
                                                              Hop<T> hop) {
        String scope = request.scope();
        Authenticator authenticator = endpoint.authenticator();
        URI uri = request.uriAt(endpoint.address(), registry.name());
        return attempt(request, uri, authenticator.authorization(scope), scope, authenticator, hop, true, 0)
                .handle((response, failure) -> {
                    if (response != null) {
                        rateLimit.record(response.status(), response.headers());
                    }
                    if (failure == null && response.status() < 500) {
                        endpoint.health().succeeded();
                        observer.served(registry.name(), endpoint.address());
                        return CompletableFuture.completedFuture(response);
                    }
                    if (RetryPolicy.unwrap(failure) instanceof CredentialsUnavailableException) {
                        // aicache could not get credentials to send: no endpoint's doing, and none would do better.
                        return CompletableFuture.<UpstreamResponse<T>>failedFuture(failure);
                    }
                    endpoint.health().failed();
                    // Too large a body is the content's doing, not the endpoint's: another would send the same.
                    Optional<Endpoints.Endpoint> next = RetryPolicy.unwrap(failure) instanceof BodyTooLargeException
                            ? Optional.empty() : endpoints.firstAdmitted(endpoint.index() + 1);
                    if (next.isPresent()) {
                        // A failed answer's body is never streamed, and a buffered one is read: nothing to let go.
                        observer.failedOver(registry.name(), endpoint.address(), next.get().address());
                        return sendTo(next.get(), request, hop);
                    }
                    if (failure != null) {
                        return CompletableFuture.<UpstreamResponse<T>>failedFuture(failure);
                    }
                    observer.served(registry.name(), endpoint.address());
                    return CompletableFuture.completedFuture(response);
                }).thenCompose(Function.identity());
    }

    private <T> CompletableFuture<UpstreamResponse<T>> attempt(UpstreamRequest request, URI uri, Optional<String> auth,
                                                               String scope, Authenticator authenticator, Hop<T> hop,
                                                               boolean mayAuthenticate, int redirects) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        auth.ifPresent(value -> headers.put("Authorization", List.of(value)));
        return hop.send(uri, request.method(), headers).thenCompose(response -> {
            int status = response.status();
            if (status == 401 && mayAuthenticate) {
                return authenticate(authenticator, response.headers(), scope, auth).thenCompose(newAuth -> newAuth.isEmpty()
                        ? CompletableFuture.completedFuture(response)
                        : attempt(request, uri, newAuth, scope, authenticator, hop, false, redirects));
            }
            if (isRedirect(status) && redirects < MAX_REDIRECTS) {
                Optional<String> location = response.header("Location");
                if (location.isPresent()) {
                    URI next = uri.resolve(location.get());
                    Optional<String> nextAuth = sameOrigin(uri, next) ? auth : Optional.empty();
                    return attempt(request, next, nextAuth, scope, authenticator, hop, false, redirects + 1);
                }
            }
            return CompletableFuture.completedFuture(response);
        });
    }

    /** The Authorization value to retry with, or empty when the challenge cannot be met. */
    private static CompletableFuture<Optional<String>> authenticate(Authenticator authenticator, UpstreamHeaders headers,
                                                                    String scope, Optional<String> refused) {
        for (Challenge challenge : Challenge.parse(String.join(", ", headers.allValues("WWW-Authenticate")))) {
            Optional<CompletableFuture<String>> answer = authenticator.answer(challenge, scope, refused);
            if (answer.isPresent()) {
                return answer.get().thenApply(Optional::of);
            }
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }
}
