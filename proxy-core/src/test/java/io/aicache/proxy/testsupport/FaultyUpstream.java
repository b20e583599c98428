package io.aicache.proxy.testsupport;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;

/**
 * A registry-like HTTP/1.1 server on loopback for tests (the JDK's {@link HttpServer}, no
 * mocks): it serves the content a test adds, counts every request per method and path, and
 * misbehaves on request: status answers (404, 401, 500, 429 with Retry-After), corrupted
 * bytes, bodies cut short (the connection is dropped), stalled bodies, answers held at a
 * {@link Fault.Gate gate}, wrong lengths and ranges, Range ignored, redirects of blobs to a
 * {@link BlobStorageHost second host}, and Bearer-token (with tokens that expire) or Basic
 * authentication. It counts the body bytes it sends.
 *
 * <p>Faults are keyed by reference: the digest of a blob or manifest, or a tag; or apply to
 * every repository request; optionally only to the requests a predicate selects (see the
 * helpers on {@link RecordedRequest}). The upstream's endpoint is {@link #endpoint()}.
 */
public final class FaultyUpstream implements AutoCloseable {

    private final LoopbackHttpServer server;
    private final UpstreamContent content = new UpstreamContent();
    private final UpstreamFaults faults = new UpstreamFaults();
    private final RequestLog log = new RequestLog();
    private final UpstreamAuth auth;
    private final RegistryApiHandler api;

    private FaultyUpstream() {
        server = new LoopbackHttpServer("faulty-upstream");
        auth = new UpstreamAuth(endpoint() + "/token");
        api = new RegistryApiHandler(content, faults, auth, log);
        server.serve(api);
    }

    /** Starts a server on a free loopback port. */
    public static FaultyUpstream start() {
        return new FaultyUpstream();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return server.endpoint();
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

    /**
     * Sends {@code headers} with every answer from now on (Docker Hub's {@code ratelimit-limit} and
     * {@code ratelimit-remaining}, say), replacing those set before.
     */
    public void sendWithEveryAnswer(Map<String, String> headers) {
        api.sendWithEveryAnswer(headers);
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

    /** Injects {@code fault} for {@code reference}, for the next {@code times} requests. */
    public void inject(String reference, Fault fault, int times) {
        faults.add(reference, fault, times);
    }

    /** Injects {@code fault} for every request for {@code reference} that {@code when} selects, until {@link #clearFaults()}. */
    public void inject(String reference, Fault fault, Predicate<RecordedRequest> when) {
        faults.add(reference, fault, when, UpstreamFaults.FOREVER);
    }

    /** Injects {@code fault} for the next {@code times} requests for {@code reference} that {@code when} selects. */
    public void inject(String reference, Fault fault, Predicate<RecordedRequest> when, int times) {
        faults.add(reference, fault, when, times);
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

    /**
     * Tokens handed out from now on say {@code expires_in: seconds}, and are refused (401 with
     * a new challenge) once that long has passed since they were issued.
     */
    public void tokenLifetime(long seconds) {
        auth.tokenLifetime(seconds, true);
    }

    /**
     * The first token {@code /token} hands out admits {@code uses} requests; the next request
     * with it gets a 401 with a new challenge, as an expired token does. Later tokens do not expire.
     */
    public void expireFirstTokenAfterUses(int uses) {
        auth.expireFirstTokenAfterUses(uses);
    }

    /** Holds requests to {@code /token} at {@code gate} (counted before they are held). */
    public void holdTokenRequests(Fault.Gate gate) {
        auth.holdTokenRequests(gate);
    }

    /** Requests whose token was refused (expired, used up, unknown). */
    public int refusedTokens() {
        return auth.refusedTokens();
    }

    /** How many tokens {@code /token} handed out. */
    public int tokenRequests() {
        return auth.tokenRequests();
    }

    // ---- content changes and redirects

    /** Deletes {@code tag} from {@code repository}; its manifests stay reachable by digest. */
    public void removeTag(String repository, String tag) {
        content.removeTag(repository, tag);
    }

    /**
     * Answers blob {@code GET}s (after authentication and status faults) with a 307 to
     * {@code storage}, at a URL signed for that one request; {@code HEAD}s are answered here.
     */
    public void redirectBlobsTo(BlobStorageHost storage) {
        storage.serveFrom(content::blob);
        api.redirectBlobsTo(storage);
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

    /** Body bytes sent in answer to requests with this method and raw path (for a cut body, what was written before the cut). */
    public long bytesSent(String method, String path) {
        return log.bytesSent(method, path);
    }

    public long blobBytesSent(String repository, String digest) {
        return bytesSent("GET", "/v2/" + repository + "/blobs/" + digest);
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
        server.close();
    }
}
