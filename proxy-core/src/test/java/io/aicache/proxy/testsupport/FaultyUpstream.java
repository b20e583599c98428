package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A registry-like HTTP/1.1 server on loopback for tests (the JDK's {@link HttpServer}, no
 * mocks): it serves the content a test adds, counts every request per method and path, and
 * misbehaves on request: status answers (404, 401, 500, 429 with Retry-After), corrupted
 * bytes, bodies cut short (the connection is dropped), stalled bodies, and Bearer-token or
 * Basic authentication.
 *
 * <p>Faults are keyed by reference: the digest of a blob or manifest, or a tag; or apply to
 * every repository request. The upstream's endpoint is {@link #endpoint()}.
 */
public final class FaultyUpstream implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final UpstreamContent content = new UpstreamContent();
    private final UpstreamFaults faults = new UpstreamFaults();
    private final RequestLog log = new RequestLog();
    private final UpstreamAuth auth;
    private final RegistryApiHandler api;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FaultyUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "faulty-upstream-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        auth = new UpstreamAuth(endpoint() + "/token");
        api = new RegistryApiHandler(content, faults, auth, log);
        server.createContext("/", api);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a server on a free loopback port. */
    public static FaultyUpstream start() {
        try {
            return new FaultyUpstream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test upstream", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- content

    /** Adds a blob to {@code repository}; returns its digest ({@code sha256:<hex>}). */
    public String addBlob(String repository, byte[] bytes) {
        return content.addBlob(repository, bytes);
    }

    /**
     * Adds a manifest, reachable by digest and, when {@code tag} is not null, by tag. A tag can
     * carry one manifest per media type; a tag request gets the first its Accept allows.
     * Adding another manifest of the same media type under a tag moves the tag. Returns the digest.
     */
    public String addManifest(String repository, String tag, String mediaType, byte[] bytes) {
        return content.addManifest(repository, tag, mediaType, bytes);
    }

    /** Adds a manifest that refers to {@code subjectDigest}, listed by the referrers API; returns its digest. */
    public String addReferrer(String repository, String subjectDigest, String artifactType, byte[] manifest) {
        return content.addReferrer(repository, subjectDigest, TestBlobs.OCI_MANIFEST, artifactType, manifest);
    }

    /** Lists every referrer whatever {@code artifactType} asks, without {@code OCI-Filters-Applied}. */
    public void ignoreReferrersFilter() {
        api.ignoreReferrersFilter();
    }

    // ---- faults

    /** Injects {@code fault} for {@code reference} (a digest or tag) until {@link #clearFaults()}. */
    public void inject(String reference, Fault fault) {
        faults.add(reference, fault, UpstreamFaults.FOREVER);
    }

    /** Injects {@code fault} for the next request for {@code reference} only. */
    public void injectOnce(String reference, Fault fault) {
        faults.add(reference, fault, 1);
    }

    /** Injects {@code fault} for every repository request (not {@code /v2/} or {@code /token}). */
    public void injectEverywhere(Fault fault) {
        faults.add(null, fault, UpstreamFaults.FOREVER);
    }

    public void clearFaults() {
        faults.clear();
    }

    // ---- authentication

    /** Answers 401 with a Bearer challenge to requests without a token from {@code /token}. */
    public void requireBearerToken() {
        auth.requireBearer();
    }

    /** Answers 401 with a Basic challenge to requests without these credentials. */
    public void requireBasic(String username, String password) {
        auth.requireBasic(username, password);
    }

    /** How many tokens {@code /token} handed out. */
    public int tokenRequests() {
        return auth.tokenRequests();
    }

    // ---- what was asked

    /** Requests with this method and raw path ({@code /v2/org/app/blobs/sha256:...}). */
    public int requests(String method, String path) {
        return log.count(method, path);
    }

    public int blobRequests(String method, String repository, String digest) {
        return requests(method, "/v2/" + repository + "/blobs/" + digest);
    }

    public int manifestRequests(String method, String repository, String reference) {
        return requests(method, "/v2/" + repository + "/manifests/" + reference);
    }

    /** Every request so far, in arrival order. */
    public List<RecordedRequest> recorded() {
        return log.all();
    }

    /** Every request with this method and raw path, in arrival order. */
    public List<RecordedRequest> recorded(String method, String path) {
        return log.all().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** Stops serving: later connections are refused. Safe to call twice. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
