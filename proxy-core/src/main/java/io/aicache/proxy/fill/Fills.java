package io.aicache.proxy.fill;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import io.aicache.model.Digest;
import io.aicache.model.Repository;
import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;
import io.aicache.upstream.RegistryClient;

/**
 * The fill coordinator: at most one upstream transfer per digest at a time, joined by
 * every reader that asks for the blob while it lands.
 */
public final class Fills {

    /** Blob layers are stored under this type: registries serve them as opaque bytes. */
    static final String BLOB_MEDIA_TYPE = "application/octet-stream";

    private final FillResources resources;
    private final Map<Digest, FillJob> active = new ConcurrentHashMap<>();

    /** @param connectionsPerHost range GETs open at once to one upstream, across all fills */
    public Fills(BlobStore store, Executor storageExecutor, ScheduledExecutorService timer, FillSettings settings,
                 int connectionsPerHost, Metrics metrics) {
        this.resources = new FillResources(store, storageExecutor, timer, new HostPermits(connectionsPerHost, storageExecutor),
                settings, metrics);
        metrics.gauge("aicache_fills_active", "Blobs being fetched from upstream now", active::size);
    }

    /** The fill of {@code digest} under way, if any. */
    public Optional<Fill> active(Digest digest) {
        return Optional.ofNullable(active.get(digest)).map(FillJob::fill);
    }

    /** Every fill under way, the longest-running first. */
    public List<FillProgress> inProgress() {
        return active.values().stream().map(FillJob::progress)
                .sorted(Comparator.comparingLong(FillProgress::startedAtMillis).thenComparing(FillProgress::digest))
                .toList();
    }

    /** A fill, and whether it was under way already ({@code shared}) or was started for this caller. */
    public record Joined(Fill fill, boolean shared) {
    }

    /** The fill of {@code digest}: the one under way, or a new one fetching from {@code repository} on {@code client}. */
    public Joined join(RegistryClient client, Repository repository, Digest digest) {
        FillJob[] created = new FillJob[1];
        FillJob job = active.computeIfAbsent(digest,
                d -> created[0] = new FillJob(new Fill(d, repository), client, repository, resources, this::ended));
        if (job == created[0]) {
            job.start();
        }
        return new Joined(job.fill(), job != created[0]);
    }

    /**
     * Stops every fill under way (aicache is shutting down): their readers are cut off, and
     * their partial files are closed but left for start-up to reconcile.
     */
    public void stopAll() {
        active.values().forEach(FillJob::stop);
    }

    private void ended(FillJob job) {
        active.remove(job.digest(), job);
    }
}
