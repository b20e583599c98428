package io.aicache.proxy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.aicache.proxy.access.AccessControl;
import io.aicache.proxy.access.AuditLog;
import io.aicache.proxy.admin.AdminApi;
import io.aicache.proxy.admin.AdminToken;
import io.aicache.proxy.admin.CacheInventory;
import io.aicache.proxy.admin.ConfigReload;
import io.aicache.proxy.admin.LiveStatus;
import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.FillConfig;
import io.aicache.proxy.config.HelmConfig;
import io.aicache.proxy.config.StorageConfig;
import io.aicache.proxy.config.UpstreamConfig;
import io.aicache.proxy.connect.ProxyServer;
import io.aicache.proxy.console.WebConsole;
import io.aicache.proxy.fill.FillSettings;
import io.aicache.proxy.fill.Fills;
import io.aicache.proxy.gc.GarbageCollector;
import io.aicache.proxy.files.FileHistory;
import io.aicache.proxy.files.FilesApi;
import io.aicache.proxy.helm.HelmApi;
import io.aicache.proxy.http.RequestRecord;
import io.aicache.proxy.observe.AccessLog;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.observe.OpsEndpoints;
import io.aicache.proxy.observe.Readiness;
import io.aicache.proxy.observe.StatsHistory;
import io.aicache.proxy.oci.CacheRules;
import io.aicache.proxy.oci.ManifestGraph;
import io.aicache.proxy.oci.NameRules;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.oci.PinnedImages;
import io.aicache.proxy.oci.UpstreamSelector;
import io.aicache.proxy.prefetch.Prefetcher;
import io.aicache.proxy.server.RegistryServer;
import io.aicache.proxy.server.RequestRouter;
import io.aicache.proxy.server.Transport;
import io.aicache.proxy.tls.CertificateAuthority;
import io.aicache.proxy.tls.ReloadingServerContext;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HelmIndexFiles;
import io.aicache.storage.HotTier;
import io.aicache.storage.Scrubber;
import io.aicache.upstream.ChartRepositoryClient;
import io.aicache.upstream.FileRemoteClient;
import io.aicache.upstream.OriginClients;
import io.aicache.upstream.UpstreamClients;
import io.netty.channel.EventLoopGroup;

/**
 * A running aicache: the store, the upstream clients, the fill coordinator and the
 * registry listener, wired as DESIGN.md draws them. Closing it stops the listener first
 * and the store last.
 */
public final class Aicache implements AutoCloseable {

    /** Blob uses are counted in memory and written to the index this often. */
    private static final long ACCESS_FLUSH_SECONDS = 10;

    private final ExecutorService storageExecutor;
    private final ExecutorService upstreamExecutor;
    /** bcrypt checks of access control's users: slow by design, kept off every other pool. */
    private final ExecutorService accessExecutor;
    /** The event loops blob bodies come in on from upstream. */
    private final EventLoopGroup upstreamLoops;
    private final ScheduledExecutorService timer;
    private final BlobStore store;
    private final Fills fills;
    private final Metrics metrics;
    private final RegistryServer server;
    private final Prefetcher prefetcher;
    /** The HTTPS proxy listener, or {@code null} when it is off. */
    private final ProxyServer proxy;
    private final GarbageCollector garbageCollector;

    private Aicache(AicacheConfig config, Supplier<AicacheConfig> source) throws InterruptedException {
        StorageConfig storage = config.storage();
        UpstreamConfig upstream = config.upstream();
        storageExecutor = Executors.newFixedThreadPool(storage.storageThreads(), named("aicache-storage"));
        upstreamExecutor = Executors.newFixedThreadPool(2, named("aicache-upstream"));
        accessExecutor = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                named("aicache-access"));
        Transport transport = Transport.best();
        // Reading sockets into buffers is light work: one loop carries gigabytes a second.
        upstreamLoops = transport.newGroup("aicache-blobs", Math.max(1, Runtime.getRuntime().availableProcessors() / 4));
        timer = Executors.newSingleThreadScheduledExecutor(named("aicache-timer"));
        store = BlobStore.open(storage.dataDir(), storage.indexCache().bytes(), storage.index().newOptionsSetter(),
                storageExecutor, storage.budget());
        try {
            metrics = new Metrics();
            HotTier hotTier = new HotTier(storage.hotTier().maxBytes().bytes(), storage.hotTier().maxObjectBytes().toIntBytes());
            publishHotTier(hotTier);
            store.onDropped(hotTier::invalidate);
            UpstreamClients clients = new UpstreamClients(upstream.namedRegistries(), upstream.hostPatterns(),
                    upstreamExecutor, new UpstreamClients.Connections(upstreamLoops, transport.socketChannel(),
                            upstream.connectTimeout()),
                    upstream.firstByteTimeout(), upstream.markDownAfter(), upstream.markDownFor(), upstream.offline(),
                    metrics.upstreamEndpoints());
            FillSettings fillSettings = new FillSettings(storage.chunkSize().toIntBytes(), config.fill().parallelism(),
                    upstream.idleTimeout(), config.fill().retry().toPolicy(),
                    config.fill().whenUnread() == FillConfig.WhenUnread.STOP ? config.fill().unreadGrace() : null);
            fills = new Fills(store, storageExecutor, timer, fillSettings, config.fill().maxConnectionsPerHost(), metrics);
            UpstreamSelector selector = new UpstreamSelector(clients, upstream.defaultRegistry(),
                    new CacheRules(upstream.cacheRules()));
            ManifestGraph graph = new ManifestGraph(store);
            PinnedImages pins = new PinnedImages(storage.pinned(), selector, store, graph);
            FileHistory fileHistory = new FileHistory(store, config.files().fileRemotes(), config.files().keepVersions());
            store.retain(() -> pins.snapshot().or(fileHistory.pinnedDigests()));
            garbageCollector = startGarbageCollector(storage.gc(), pins, fileHistory);
            publishStorage();
            startScrub(storage.scrub());
            timer.scheduleWithFixedDelay(() -> storageExecutor.execute(store.accesses()::flush),
                    ACCESS_FLUSH_SECONDS, ACCESS_FLUSH_SECONDS, TimeUnit.SECONDS);
            AccessControl access = AccessControl.start(config.access(), storage.dataDir(), accessExecutor, timer,
                    selector::repositoriesFor, new AuditLog(metrics, Clock.systemUTC()));
            OciApi oci = new OciApi(selector, new NameRules(upstream.allow(), upstream.deny()), store, hotTier, fills,
                    storageExecutor, config.manifests(), upstream.tagTtls(), upstream.rateLimit().reserve(),
                    upstream.offline(), metrics, access.gate());
            prefetcher = new Prefetcher(oci, name -> clients.byName(name).isPresent());
            OpsEndpoints ops = new OpsEndpoints(metrics,
                    new Readiness(store, storage.dataDir(), storage.minFreeSpace().bytes(), clients.all()));
            HelmApi helm = helmApi(config, storageExecutor, prefetcher, oci, metrics);
            AccessLog accessLog = new AccessLog();
            AdminApi admin = new AdminApi(AdminToken.resolve(config.admin().token(), storage.dataDir()), store, oci,
                    pins, prefetcher, garbageCollector, new ConfigReload(config, source, pins), metrics::snapshot,
                    name -> clients.byName(name).isPresent(), storageExecutor, new CacheInventory(store, graph),
                    fileHistory, new LiveStatus(fills, startHistory(), clients::all, upstream.rateLimit().reserve()));
            Consumer<RequestRecord> observer = request -> {
                metrics.request(request);
                accessLog.record(request);
            };
            RequestRouter router = new RequestRouter(oci, helm, filesApi(config, storageExecutor, metrics), ops, admin,
                    access, WebConsole.fromJar(), observer);
            ReloadingServerContext tls = config.server().tls().enabled()
                    ? ReloadingServerContext.start(config.server().tls(), timer) : null;
            CertificateAuthority ca = config.proxy().enabled()
                    ? CertificateAuthority.of(config.proxy().ca(), storage.dataDir()) : null;
            server = new RegistryServer(config.server().address(), config.server().eventLoops(), router, tls);
            try {
                proxy = ca == null ? null : new ProxyServer(config.proxy(), config.server().eventLoops(), ca,
                        new ProxyServer.Services(oci, upstream.registries(), upstream.connectTimeout(),
                                clients.passThrough(), observer, metrics));
            } catch (RuntimeException | InterruptedException e) {
                server.close();
                throw e;
            }
        } catch (RuntimeException | InterruptedException e) {
            shutdownExecutors();
            store.close();
            throw e;
        }
    }

    /** Classic chart repositories: their own upstream clients, charts kept in the blob store. */
    private HelmApi helmApi(AicacheConfig config, ExecutorService storageExecutor, Prefetcher prefetcher, OciApi oci,
                            Metrics metrics) {
        UpstreamConfig upstream = config.upstream();
        OriginClients<ChartRepositoryClient> repositories = OriginClients.chartRepositories(
                config.helm().repositories().stream().map(HelmConfig.Repository::toChartRepository).toList(),
                upstreamExecutor, upstream.connectTimeout(), upstream.firstByteTimeout(),
                upstream.markDownAfter(), upstream.markDownFor(), upstream.offline());
        return new HelmApi(repositories, store, new HelmIndexFiles(config.storage().dataDir().resolve("helm")),
                storageExecutor, config.helm(), prefetcher, oci, metrics);
    }

    /** Files by URL: their remotes' own upstream clients, bodies kept in the blob store. */
    private FilesApi filesApi(AicacheConfig config, ExecutorService storageExecutor, Metrics metrics) {
        UpstreamConfig upstream = config.upstream();
        OriginClients<FileRemoteClient> remotes = OriginClients.fileRemotes(config.files().fileRemotes(), upstreamExecutor,
                upstream.connectTimeout(), upstream.firstByteTimeout(), upstream.markDownAfter(), upstream.markDownFor(),
                upstream.offline());
        return new FilesApi(remotes, store, storageExecutor, config.files(), metrics);
    }

    private void publishStorage() {
        metrics.gauge("aicache_storage_used_bytes", "Bytes of kept blobs", () -> store.usage().usedBytes());
        metrics.gauge("aicache_storage_reserved_bytes", "Bytes reserved by fills under way", () -> store.usage().reservedBytes());
        metrics.gauge("aicache_storage_budget_bytes", "The disk budget (0: unlimited)", () -> store.usage().maxBytes());
        metrics.gauge("aicache_storage_evictions", "Blobs evicted since start", store::evictions);
        metrics.gauge("aicache_storage_pass_through", "1 while the disk is short of storage.minFreeSpace: misses are not kept",
                () -> store.shortOfSpace() ? 1 : 0);
    }

    /** Samples the figures the web console charts, from now on. */
    private StatsHistory startHistory() {
        StatsHistory history = new StatsHistory(metrics, store::usage, Clock.systemUTC());
        timer.scheduleAtFixedRate(history::sample, 0, StatsHistory.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return history;
    }

    /** Re-hashes kept blobs on the storage executor, a second's worth of the configured rate at a time. */
    private void startScrub(StorageConfig.ScrubConfig scrub) {
        if (scrub.bytesPerSecond().bytes() == 0) {
            return;
        }
        Scrubber scrubber = new Scrubber(store, scrub.bytesPerSecond().bytes());
        timer.scheduleWithFixedDelay(() -> storageExecutor.execute(scrubber::tick), 1, 1, TimeUnit.SECONDS);
        metrics.gauge("aicache_storage_scrubbed_bytes", "Bytes of kept blobs re-hashed by the scrub", scrubber::scrubbedBytes);
        metrics.gauge("aicache_storage_scrub_dropped", "Blobs the scrub found missing or damaged and dropped",
                scrubber::dropped);
    }

    private GarbageCollector startGarbageCollector(StorageConfig.GcConfig gc, PinnedImages pins, FileHistory files) {
        GarbageCollector collector = new GarbageCollector(store, pins, files, gc.minAge(), gc.tagRetention(), Clock.systemUTC());
        if (!gc.interval().isZero()) {
            timer.scheduleWithFixedDelay(() -> storageExecutor.execute(() -> collector.collect(false)),
                    gc.interval().toMillis(), gc.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        return collector;
    }

    /** Collects what no cached image references (for the admin API and the CLI). */
    public GarbageCollector garbageCollector() {
        return garbageCollector;
    }

    private void publishHotTier(HotTier hotTier) {
        metrics.gauge("aicache_hot_tier_bytes", "Bytes held in the hot tier", () -> hotTier.stats().weightBytes());
        metrics.gauge("aicache_hot_tier_hits", "Hot-tier lookups that found the object", () -> hotTier.stats().hits());
        metrics.gauge("aicache_hot_tier_misses", "Hot-tier lookups that did not", () -> hotTier.stats().misses());
        metrics.gauge("aicache_hot_tier_evictions", "Objects the hot tier let go", () -> hotTier.stats().evictions());
    }

    /** Starts aicache; the listener is bound when this returns. A reload applies {@code config} again. */
    public static Aicache start(AicacheConfig config) throws InterruptedException {
        return new Aicache(config, () -> config);
    }

    /**
     * Starts aicache; the listener is bound when this returns.
     *
     * @param source reads the configuration again when the admin API is asked to reload it
     */
    public static Aicache start(AicacheConfig config, Supplier<AicacheConfig> source) throws InterruptedException {
        return new Aicache(config, source);
    }

    /** Warms the cache with whole images, through the same lookups and fills as pulls. */
    public Prefetcher prefetcher() {
        return prefetcher;
    }

    public InetSocketAddress address() {
        return server.localAddress();
    }

    /** The HTTPS proxy listener's address, when it is on. */
    public Optional<InetSocketAddress> proxyAddress() {
        return Optional.ofNullable(proxy).map(ProxyServer::localAddress);
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        server.close();
        fills.stopAll();
        shutdownExecutors();
        store.accesses().flush();
        store.close();
    }

    private void shutdownExecutors() {
        for (ExecutorService executor : List.of(upstreamExecutor, accessExecutor, timer, storageExecutor)) {
            executor.shutdown();
        }
        upstreamLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            storageExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
