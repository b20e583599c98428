package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;

/**
 * A second loopback HTTP server that plays a registry's blob storage (an S3 bucket or a CDN
 * behind signed URLs): a {@link FaultyUpstream} told to {@link FaultyUpstream#redirectBlobsTo}
 * it answers blob {@code GET}s with a 307 to a URL signed for that one request. The storage
 * serves ranges, records every request with its headers, takes the same body and range
 * faults as the upstream (keyed by digest), and refuses a signed URL that was already used
 * or never issued with 403, as an expired signature is.
 */
public final class BlobStorageHost implements AutoCloseable {

    private static final String PREFIX = "/storage/";

    private final LoopbackHttpServer server;
    private final RequestLog log = new RequestLog();
    private final UpstreamFaults faults = new UpstreamFaults();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final AtomicLong signatures = new AtomicLong();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile BiFunction<String, String, Optional<byte[]>> blobs = (repository, digest) -> Optional.empty();

    private BlobStorageHost() {
        server = new LoopbackHttpServer("blob-storage");
        server.serve(this::handle);
    }

    /** Starts a storage host on a free loopback port. */
    public static BlobStorageHost start() {
        return new BlobStorageHost();
    }

    /** {@code http://127.0.0.1:<port>}: another origin than the upstream's. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** Where the blobs come from: the upstream that redirects here. */
    void serveFrom(BiFunction<String, String, Optional<byte[]>> lookup) {
        this.blobs = lookup;
    }

    /** A URL for one request for the blob; a second request with it is refused. */
    URI signedUrl(String repository, String digest) {
        String signature = Long.toString(signatures.incrementAndGet());
        issued.add(signature);
        return endpoint().resolve(PREFIX + repository + "/blobs/" + digest + "?sig=" + signature);
    }

    /** Injects {@code fault} for requests for blob {@code digest} that {@code when} selects, {@code times} times. */
    public void inject(String digest, Fault fault, Predicate<RecordedRequest> when, int times) {
        faults.add(digest, fault, when, times);
    }

    /** Every request so far, in arrival order. */
    public List<RecordedRequest> recorded() {
        return log.all();
    }

    /** Requests refused with 403 because their signed URL was used before or never issued. */
    public int refusedUrls() {
        return refused.get();
    }

    /** Body bytes sent for requests with this method and raw path. */
    public long bytesSent(String method, String path) {
        return log.bytesSent(method, path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        RecordedRequest request = log.record(exchange);
        RegistryApiHandler.countBodyBytes(exchange, request, log);
        String path = exchange.getRequestURI().getRawPath();
        int blobsAt = path.lastIndexOf("/blobs/");
        if (!path.startsWith(PREFIX) || blobsAt < PREFIX.length()) {
            UpstreamResponses.error(exchange, 404, "NOT_FOUND", "no such object " + path, Map.of());
            return;
        }
        String signature = signature(exchange.getRequestURI().getRawQuery());
        if (signature == null || !issued.contains(signature) || !used.add(signature)) {
            refused.incrementAndGet();
            UpstreamResponses.error(exchange, 403, "SIGNATURE_EXPIRED", "the signed URL is used up or unknown", Map.of());
            return;
        }
        String repository = path.substring(PREFIX.length(), blobsAt);
        String digest = path.substring(blobsAt + "/blobs/".length());
        Optional<byte[]> blob = blobs.apply(repository, digest);
        if (blob.isEmpty()) {
            UpstreamResponses.error(exchange, 404, "NOT_FOUND", "no such object " + path, Map.of());
            return;
        }
        RegistryApiHandler.serveBlob(exchange, request, digest, blob.get(), faults);
    }

    private static String signature(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("sig=")) {
                return pair.substring("sig=".length());
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.close();
    }
}
