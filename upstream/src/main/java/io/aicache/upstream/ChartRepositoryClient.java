package io.aicache.upstream;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Talks to one classic chart repository: plain GETs of its index and of chart files, which
 * may live on other hosts (absolute chart URLs). Credentials (the repository's
 * {@link Authenticator}) go only to the repository's own scheme, host and port, as Helm
 * does unless told to pass them on; redirects are followed under the same rule.
 */
public final class ChartRepositoryClient {

    private static final String PROVENANCE_SUFFIX = ".prov";

    private final ChartRepository repository;
    private final OriginBoundGets gets;

    public ChartRepositoryClient(ChartRepository repository, HttpClient http, Duration firstByteTimeout,
                                 UpstreamHealth health) {
        this.repository = repository;
        Authenticator authenticator = Authenticators.forChartRepository(repository.credentials());
        this.gets = new OriginBoundGets(repository.name(), repository.url(), http, firstByteTimeout, health,
                () -> authenticator.authorization(Authenticator.NO_SCOPE));
    }

    public ChartRepository repository() {
        return repository;
    }

    /** Whether the repository is marked down after repeated failures (or aicache is offline). */
    public boolean isDown() {
        return gets.isDown();
    }

    /**
     * The repository's {@code index.yaml}, asked for with {@code validators} ({@code If-None-Match},
     * {@code If-Modified-Since}); a 2xx answer's body is a stream the caller must close, other answers carry none.
     */
    public CompletableFuture<UpstreamResponse<InputStream>> index(Map<String, String> validators) {
        return openStream(repository.indexUri(), validators);
    }

    /** The chart archive at {@code url} (absolute, as the index gives it), read whole up to {@code maxBytes}. */
    public CompletableFuture<UpstreamResponse<byte[]>> chart(String url, long maxBytes) {
        return fetch(URI.create(url), maxBytes);
    }

    /** The provenance file of the chart archive at {@code chartUrl}: the same URL with {@code .prov} appended. */
    public CompletableFuture<UpstreamResponse<byte[]>> provenance(String chartUrl, long maxBytes) {
        return fetch(URI.create(chartUrl + PROVENANCE_SUFFIX), maxBytes);
    }

    private CompletableFuture<UpstreamResponse<InputStream>> openStream(URI uri, Map<String, String> headers) {
        return gets.get(uri, headers, info -> info.statusCode() >= 200 && info.statusCode() < 300
                ? BodySubscribers.ofInputStream()
                : BodySubscribers.replacing(null));
    }

    /** GETs {@code uri}; a 2xx body is read whole, up to {@code maxBodyBytes} (more is a {@link BodyTooLargeException}). */
    private CompletableFuture<UpstreamResponse<byte[]>> fetch(URI uri, long maxBodyBytes) {
        return gets.get(uri, Map.of(), OriginBoundGets.wholeBody(maxBodyBytes));
    }
}
