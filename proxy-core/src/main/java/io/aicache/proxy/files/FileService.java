package io.aicache.proxy.files;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;
import io.aicache.model.Tier;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.ConditionalHeaders;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.KeptFileAnswer;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.oci.InFlight;
import io.aicache.storage.BlobStore;
import io.aicache.storage.FileRecords;
import io.aicache.storage.FileRecords.Current;
import io.aicache.storage.FileRecords.FileUrl;
import io.aicache.storage.FileUrlRecord;
import io.aicache.storage.StoredBlob;
import io.aicache.upstream.FileRemoteClient;
import io.aicache.upstream.RetryPolicy;
import io.aicache.upstream.UpstreamDownException;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET} and {@code HEAD} of files by URL. A miss is fetched once however many clients ask,
 * kept by its sha256 and recorded as a version of the URL; within its TTL ({@link FileTtls}) a
 * kept file is served from disk, past it revalidated with {@code If-None-Match} /
 * {@code If-Modified-Since} (a 304 keeps the version, a new body becomes the next one), one
 * request per URL at a time. When upstream cannot answer, the kept file is served for up to
 * {@code staleIfError} past its TTL with a {@code Warning} giving its age.
 */
final class FileService {

    private static final Logger LOG = LoggerFactory.getLogger(FileService.class);
    /** Classifies refresh failures: those a retry could mend are the ones a stale file may cover. */
    private static final RetryPolicy TRANSIENT = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    /** Kept files are blobs of this type: never taken for manifests, never compressed (sent with sendfile). */
    static final String BLOB_TYPE = "application/vnd.aicache.file";
    private static final String DEFAULT_TYPE = "application/octet-stream";
    static final String VERSION_HEADER = "Aicache-File-Version";

    private final BlobStore store;
    private final FileRecords records;
    private final Executor storageExecutor;
    private final FileTtls ttls;
    private final Duration staleIfError;
    private final Clock clock;
    private final Metrics metrics;
    private final InFlight<Fetched> fetches = new InFlight<>();

    FileService(BlobStore store, Executor storageExecutor, FileTtls ttls, Duration staleIfError, Clock clock, Metrics metrics) {
        this.store = store;
        this.records = store.files();
        this.storageExecutor = storageExecutor;
        this.ttls = ttls;
        this.staleIfError = staleIfError;
        this.clock = clock;
        this.metrics = metrics;
    }

    void serve(Exchange exchange, FileRemoteClient client, FileUrl url) {
        answer(client, url).whenComplete((answer, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(toRegistryException(failure, url));
                return;
            }
            HttpHeaders headers = headers(answer);
            if (answer.blob() != null) {
                if (!KeptFileAnswer.send(exchange, store, answer.blob(), headers)) {
                    LOG.warn("kept file {} ({}) cannot be opened; fetching it again", url, answer.current().version().digest());
                    serve(exchange, client, url);
                }
            } else {
                exchange.tier(answer.tier());
                exchange.sendBytes(HttpResponseStatus.OK, headers, answer.bytes());
            }
        }));
    }

    private static HttpHeaders headers(Answer answer) {
        String type = answer.current().version().contentType();
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.CONTENT_TYPE, type.isEmpty() ? DEFAULT_TYPE : type)
                .set(HttpHeaderNames.ETAG, "\"" + answer.current().version().digest().hex() + "\"")
                .set(VERSION_HEADER, answer.current().version().number());
        if (answer.staleAge() != null) {
            long seconds = answer.staleAge().toSeconds();
            headers.set(HttpHeaderNames.AGE, seconds).set(HttpHeaderNames.WARNING, "110 aicache \"Response is stale: "
                    + "file last confirmed upstream " + seconds + "s ago; " + shorten(answer.reason()) + "\"");
        }
        return headers;
    }

    /** The file to send: kept within its TTL, else as upstream has it now, else (upstream failing) kept, stale. */
    private CompletableFuture<Answer> answer(FileRemoteClient client, FileUrl url) {
        Optional<Current> kept = records.current(url);
        Optional<StoredBlob> blob = kept.flatMap(current -> store.find(current.version().digest()));
        if (kept.isEmpty() || blob.isEmpty()) {
            metrics.fileAnswer(url.remote(), "miss");
            return fetch(client, url, null).thenApply(fetched -> fromUpstream(fetched, url));
        }
        Current current = kept.get();
        Duration age = Duration.ofMillis(Math.max(0, clock.millis() - current.record().validatedAtMillis()));
        Duration ttl = ttls.ttlOf(url.path());
        if (age.compareTo(ttl) < 0) {
            metrics.fileAnswer(url.remote(), "hit");
            return CompletableFuture.completedFuture(new Answer(current, blob.get(), null, Tier.DISK, null, null));
        }
        return fetch(client, url, current.record())
                .thenApply(fetched -> fromUpstream(fetched, url))
                .exceptionallyCompose(failure -> {
                    Throwable cause = UpstreamFailureTranslator.unwrap(failure);
                    if (!TRANSIENT.isRetryable(cause) && !(cause instanceof UpstreamDownException)
                            || age.compareTo(ttl.plus(staleIfError)) >= 0) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    LOG.warn("serving file {} last confirmed {}s ago: upstream could not revalidate it ({})",
                            url, age.toSeconds(), cause.getMessage());
                    metrics.fileAnswer(url.remote(), "stale");
                    return CompletableFuture.completedFuture(new Answer(current, blob.get(), null, Tier.STALE, age,
                            cause.getMessage()));
                });
    }

    /** What a fetch gave: bytes fresh from upstream, or (confirmed) the kept file, found again. */
    private Answer fromUpstream(Fetched fetched, FileUrl url) {
        if (fetched.bytes() != null) {
            return new Answer(fetched.current(), null, fetched.bytes(), Tier.UPSTREAM, null, null);
        }
        StoredBlob blob = store.find(fetched.current().version().digest()).orElseThrow(() -> new RegistryException(
                ErrorCode.UNAVAILABLE, "the kept body of file " + url + " went while it was revalidated; ask again"));
        return new Answer(fetched.current(), blob, null, Tier.DISK, null, null);
    }

    /** Asks upstream for the file (conditionally when {@code known}); one request per URL at a time. */
    private CompletableFuture<Fetched> fetch(FileRemoteClient client, FileUrl url, FileUrlRecord known) {
        Map<String, String> validators = known == null ? Map.of() : ConditionalHeaders.of(known.etag(), known.lastModified());
        return fetches.join(url.toString(), () -> client.file(url.path(), validators)
                .thenApplyAsync(response -> {
                    String remote = url.remote();
                    if (response.status() == 304 && known != null) {
                        metrics.fileRevalidated(remote, "unchanged");
                        return records.confirmed(url, clock.millis()).map(current -> new Fetched(current, null))
                                .orElseThrow(() -> new RegistryException(ErrorCode.UNAVAILABLE,
                                        "file " + url + " was forgotten while it was revalidated; ask again"));
                    }
                    if (!response.isSuccess()) {
                        throw new UpstreamStatusException(remote, response.status(), response.headers());
                    }
                    return keep(url, response, known != null);
                }, storageExecutor));
    }

    private Fetched keep(FileUrl url, UpstreamResponse<byte[]> response, boolean revalidation) {
        byte[] bytes = response.body();
        String contentType = response.header("Content-Type").orElse("");
        refuseBombs(url, contentType, bytes);
        Digest digest = Digest.sha256Of(bytes);
        store.putUncompressed(digest, bytes, BLOB_TYPE);
        int before = records.versions(url).size();
        Current current = records.served(url, digest, bytes.length, contentType,
                response.header("ETag").orElse(""), response.header("Last-Modified").orElse(""), clock.millis());
        metrics.fileFetched(url.remote(), bytes.length);
        boolean added = records.versions(url).size() > before;
        if (added) {
            metrics.fileVersionAdded(url.remote());
        }
        if (revalidation) {
            metrics.fileRevalidated(url.remote(), added ? "changed" : "unchanged");
        }
        if (added && before > 0) {
            LOG.info("file {} changed upstream: version {} ({}, {} bytes)", url, current.version().number(), digest,
                    bytes.length);
        }
        return new Fetched(current, bytes);
    }

    /** A YAML or JSON file that passes the reading bounds (a YAML bomb) is refused and not kept. */
    private static void refuseBombs(FileUrl url, String contentType, byte[] bytes) {
        if (!ManifestDocuments.isStructured(url.path(), contentType) || bytes.length > ManifestDocuments.MAX_BYTES) {
            return;
        }
        try {
            ManifestDocuments.read(bytes);
        } catch (ManifestDocuments.TooComplexException e) {
            LOG.warn("file {} from upstream not kept: {}", url, e.getMessage());
            throw new RegistryException(ErrorCode.UNKNOWN, "file " + url + " from upstream is not kept: " + e.getMessage());
        }
    }

    static RegistryException toRegistryException(Throwable failure, FileUrl url) {
        String where = "file " + url.path() + " of remote " + url.remote();
        return new UpstreamFailureTranslator(ErrorCode.BLOB_UNKNOWN, "upstream " + url.remote(), where, where,
                "files.maxBytes").toRegistryException(failure);
    }

    private static String shorten(String reason) {
        String text = reason == null ? "" : reason.replace('"', '\'');
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** A fetch's outcome: the URL's version now, and its bytes when upstream sent a body (null on a 304). */
    private record Fetched(Current current, byte[] bytes) {
    }

    /** A file to send: kept ({@code blob}) or just fetched ({@code bytes}), and when stale, how old and why. */
    private record Answer(Current current, StoredBlob blob, byte[] bytes, Tier tier, Duration staleAge, String reason) {
    }
}
