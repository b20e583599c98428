package io.aicache.proxy.helm;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Tier;
import io.aicache.proxy.http.ConditionalHeaders;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.oci.InFlight;
import io.aicache.storage.HelmChartRecord;
import io.aicache.storage.HelmIndexFiles;
import io.aicache.storage.HelmIndexRecord;
import io.aicache.storage.HelmRecords;
import io.aicache.upstream.ChartRepository;
import io.aicache.upstream.ChartRepositoryClient;
import io.aicache.upstream.RetryPolicy;
import io.aicache.upstream.UpstreamDownException;
import io.aicache.upstream.UpstreamException;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;

/**
 * {@code GET} and {@code HEAD} of a chart repository's {@code index.yaml}. The index is fetched
 * once, rewritten as it streams in and kept compressed; it is served from there for
 * {@code indexTtl}, then revalidated upstream with {@code If-None-Match} /
 * {@code If-Modified-Since} (one request per repository at a time, however many clients
 * wait). When upstream cannot answer, the kept index is served for up to
 * {@code staleIfError} with a {@code Warning} giving its age.
 */
final class IndexService {

    private static final Logger LOG = LoggerFactory.getLogger(IndexService.class);
    /** Classifies refresh failures: those a retry could mend are the ones a stale index may cover. */
    private static final RetryPolicy TRANSIENT = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    private static final int CHART_BATCH = 1000;

    private final HelmRecords records;
    private final HelmIndexFiles files;
    private final Executor storageExecutor;
    private final Duration ttl;
    private final Duration staleIfError;
    private final Clock clock;
    private final Metrics metrics;
    private final IndexSender sender;
    private final InFlight<HelmIndexRecord> refreshes = new InFlight<>();

    IndexService(HelmRecords records, HelmIndexFiles files, Executor storageExecutor, Duration ttl, Duration staleIfError,
                 Clock clock, Metrics metrics) {
        this.records = records;
        this.files = files;
        this.sender = new IndexSender(files);
        this.storageExecutor = storageExecutor;
        this.ttl = ttl;
        this.staleIfError = staleIfError;
        this.clock = clock;
        this.metrics = metrics;
    }

    void serve(Exchange exchange, ChartRepositoryClient client) {
        String repository = client.repository().name();
        current(client).whenComplete((answer, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(HelmFailures.toRegistryException(failure, repository, "index.yaml"));
            } else {
                exchange.tier(answer.tier());
                sender.send(exchange, repository, answer);
            }
        }));
    }

    /** The index to serve: the kept one within its TTL, else upstream's, else (upstream failing) the kept one, stale. */
    CompletableFuture<Answer> current(ChartRepositoryClient client) {
        String repository = client.repository().name();
        Optional<HelmIndexRecord> kept = records.index(repository)
                .filter(record -> files.exists(repository, record.contentSha256()));
        if (kept.isEmpty()) {
            return refresh(client, null).thenApply(record -> new Answer(record, Tier.UPSTREAM, null, null));
        }
        HelmIndexRecord record = kept.get();
        Duration age = Duration.ofMillis(Math.max(0, clock.millis() - record.validatedAtMillis()));
        if (age.compareTo(ttl) < 0) {
            return CompletableFuture.completedFuture(new Answer(record, Tier.DISK, null, null));
        }
        return refresh(client, record)
                .thenApply(fresh -> new Answer(fresh, fresh.contentSha256().equals(record.contentSha256()) ? Tier.DISK : Tier.UPSTREAM,
                        null, null))
                .exceptionallyCompose(failure -> {
                    Throwable cause = UpstreamFailureTranslator.unwrap(failure);
                    if (!TRANSIENT.isRetryable(cause) && !(cause instanceof UpstreamDownException)
                            || age.compareTo(ttl.plus(staleIfError)) >= 0) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    LOG.warn("serving the index of chart repository {} last confirmed {}s ago: upstream could not"
                            + " revalidate it ({})", repository, age.toSeconds(), cause.getMessage());
                    metrics.staleServed(repository);
                    return CompletableFuture.completedFuture(new Answer(record, Tier.STALE, age, cause.getMessage()));
                });
    }

    /** Asks upstream for the index (conditionally when one is kept); one request per repository at a time. */
    private CompletableFuture<HelmIndexRecord> refresh(ChartRepositoryClient client, HelmIndexRecord known) {
        ChartRepository repository = client.repository();
        Map<String, String> validators = known == null ? Map.of() : ConditionalHeaders.of(known.etag(), known.lastModified());
        return refreshes.join(repository.name(), () -> client.index(validators)
                .thenApplyAsync(response -> {
                    if (response.status() == 304 && known != null) {
                        HelmIndexRecord revalidated = known.revalidatedAt(clock.millis());
                        records.putIndex(repository.name(), revalidated);
                        return revalidated;
                    }
                    if (!response.isSuccess()) {
                        throw new UpstreamStatusException(repository.name(), response.status(), response.headers());
                    }
                    return keep(repository, response);
                }, storageExecutor));
    }

    /** Rewrites upstream's index into a new kept copy and records its charts; the old copy goes once this one is in place. */
    private HelmIndexRecord keep(ChartRepository repository, UpstreamResponse<InputStream> response) {
        String name = repository.name();
        Map<String, HelmChartRecord> batch = new HashMap<>();
        HelmIndexFiles.Pending pending = null;
        try (InputStream body = response.body()) {
            pending = files.begin(name);
            HashingOutputStream out = new HashingOutputStream(pending);
            IndexRewriter.rewrite(body, out, repository, (file, chart) -> {
                batch.put(file, chart);
                if (batch.size() >= CHART_BATCH) {
                    records.putCharts(name, batch);
                    batch.clear();
                }
            });
            records.putCharts(name, batch);
            String sha256 = out.sha256Hex();
            pending.commit(sha256);
            HelmIndexRecord record = new HelmIndexRecord(response.header("ETag").orElse(""),
                    response.header("Last-Modified").orElse(""), clock.millis(), sha256, out.count());
            records.putIndex(name, record);
            files.deleteOthers(name, sha256);
            return record;
        } catch (IOException e) {
            if (pending != null) {
                pending.abandon();
            }
            String problem = e instanceof InvalidIndexException ? "is not a chart repository index: " : "could not be read: ";
            LOG.warn("index.yaml of chart repository {} from {} {}{}", name, repository.indexUri(), problem, e.getMessage());
            throw new UpstreamException("index.yaml of chart repository " + name + " " + problem + e.getMessage(), e);
        }
    }

    /** An index to send, where it came from, and when it is served stale, how old it is and why. */
    record Answer(HelmIndexRecord record, Tier tier, Duration staleAge, String reason) {
    }
}
