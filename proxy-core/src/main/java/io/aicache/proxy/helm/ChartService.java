package io.aicache.proxy.helm;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;
import io.aicache.model.Tier;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.KeptFileAnswer;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.oci.InFlight;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HelmChartRecord;
import io.aicache.storage.StoredBlob;
import io.aicache.upstream.ChartRepositoryClient;
import io.aicache.upstream.UpstreamStatusException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET} and {@code HEAD} of chart archives and their provenance files. An archive is
 * fetched from the URL the index gave, once however many clients ask, checked against the
 * index's {@code digest} (a mismatch is refused and nothing is kept) and kept by digest,
 * for good: chart versions are immutable. Provenance files are passed along as upstream has them.
 */
final class ChartService {

    private static final Logger LOG = LoggerFactory.getLogger(ChartService.class);
    static final String CHART_TYPE = "application/gzip";
    private static final String PROVENANCE_SUFFIX = ".prov";
    /** Provenance files are a signature over a few lines of metadata. */
    private static final long MAX_PROVENANCE_BYTES = 1 << 20;

    private final BlobStore store;
    private final IndexService indexes;
    private final Executor storageExecutor;
    private final long maxChartBytes;
    private final ChartObserver observer;
    private final InFlight<Fetched> fetches = new InFlight<>();

    /** Told of every chart archive fetched from upstream and kept (chart-driven prefetch listens). */
    interface ChartObserver {
        ChartObserver NONE = (repository, file, archive) -> { };

        void kept(String repository, String file, byte[] archive);
    }

    ChartService(BlobStore store, IndexService indexes, Executor storageExecutor, long maxChartBytes,
                 ChartObserver observer) {
        this.store = store;
        this.indexes = indexes;
        this.storageExecutor = storageExecutor;
        this.maxChartBytes = maxChartBytes;
        this.observer = observer;
    }

    void serve(Exchange exchange, ChartRepositoryClient client, String file) {
        String repository = client.repository().name();
        boolean provenance = file.endsWith(PROVENANCE_SUFFIX);
        String chartFile = provenance ? file.substring(0, file.length() - PROVENANCE_SUFFIX.length()) : file;
        chartRecord(client, chartFile).thenCompose(record -> provenance
                        ? fetchProvenance(client, record)
                        : local(record).map(CompletableFuture::completedFuture)
                                .orElseGet(() -> fetches.join(repository + "/" + chartFile,
                                        () -> fetchAndKeep(client, chartFile, record))))
                .whenComplete((answer, failure) -> exchange.onLoop(() -> {
                    if (failure != null) {
                        exchange.sendError(HelmFailures.toRegistryException(failure, repository, "chart file " + file));
                    } else if (answer.stored() != null && sendStored(exchange, answer.stored())) {
                        return;
                    } else if (answer.stored() != null) {
                        // Its file went (evicted) between the lookup and the open: looked up again, it is fetched anew.
                        serve(exchange, client, file);
                    } else {
                        exchange.tier(answer.tier());
                        exchange.sendBytes(HttpResponseStatus.OK, new DefaultHttpHeaders()
                                .set(HttpHeaderNames.CONTENT_TYPE, provenance ? "application/octet-stream" : CHART_TYPE), answer.bytes());
                    }
                }));
    }

    /** The index's record of the file; when none is kept yet, the index is fetched first. */
    private CompletableFuture<HelmChartRecord> chartRecord(ChartRepositoryClient client, String file) {
        String repository = client.repository().name();
        Optional<HelmChartRecord> known = indexedChart(repository, file);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known.get());
        }
        return indexes.current(client).thenApply(answer -> indexedChart(repository, file)
                .orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UNKNOWN, "the index of chart repository "
                        + repository + " lists no chart file " + file)));
    }

    private Optional<HelmChartRecord> indexedChart(String repository, String file) {
        return store.helm().chart(repository, file);
    }

    private Optional<Fetched> local(HelmChartRecord record) {
        return record.expectedDigest().flatMap(store::find).map(Fetched::kept);
    }

    private CompletableFuture<Fetched> fetchAndKeep(ChartRepositoryClient client, String file, HelmChartRecord record) {
        String repository = client.repository().name();
        return client.chart(record.url(), maxChartBytes).thenApplyAsync(response -> {
            if (!response.isSuccess()) {
                throw new UpstreamStatusException(repository, response.status(), response.headers());
            }
            byte[] bytes = response.body();
            Digest actual = Digest.sha256Of(bytes);
            Optional<Digest> expected = record.expectedDigest();
            if (expected.isPresent() && !expected.get().equals(actual)) {
                LOG.warn("chart {} of repository {} from {} has digest {}, its index says {}; not kept",
                        file, repository, record.url(), actual, expected.get());
                throw new RegistryException(ErrorCode.UNKNOWN, "chart file " + file + " from upstream has digest " + actual
                        + " but the index of chart repository " + repository + " says " + expected.get() + "; not kept");
            }
            store.putSmall(actual, bytes, CHART_TYPE);
            if (expected.isEmpty()) {
                store.helm().putCharts(repository, Map.of(file, new HelmChartRecord(record.url(), actual)));
            }
            observer.kept(repository, file, bytes);
            return Fetched.fromUpstream(bytes);
        }, storageExecutor);
    }

    private CompletableFuture<Fetched> fetchProvenance(ChartRepositoryClient client, HelmChartRecord record) {
        return client.provenance(record.url(), MAX_PROVENANCE_BYTES).thenApply(response -> {
            if (!response.isSuccess()) {
                throw new UpstreamStatusException(client.repository().name(), response.status(), response.headers());
            }
            return Fetched.fromUpstream(response.body());
        });
    }

    /** False when the kept file could not be opened (it vanished): the caller fetches it again. */
    private boolean sendStored(Exchange exchange, StoredBlob blob) {
        boolean sent = KeptFileAnswer.send(exchange, store, blob,
                new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, CHART_TYPE));
        if (!sent) {
            LOG.warn("kept chart {} cannot be opened; fetching it again", blob.record().digest());
        }
        return sent;
    }

    /** A chart kept on disk, or bytes just fetched from upstream. */
    private record Fetched(StoredBlob stored, byte[] bytes, Tier tier) {
        static Fetched kept(StoredBlob blob) {
            return new Fetched(blob, null, Tier.DISK);
        }

        static Fetched fromUpstream(byte[] bytes) {
            return new Fetched(null, bytes, Tier.UPSTREAM);
        }
    }
}
