package io.aicache.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.FillConfig;
import io.aicache.proxy.config.StorageConfig;
import io.aicache.proxy.config.UpstreamConfig;
import io.aicache.proxy.fill.FillSettings;
import io.aicache.proxy.fill.Fills;
import io.aicache.proxy.oci.OciRequestHandler;
import io.aicache.proxy.oci.UpstreamSelector;
import io.aicache.proxy.server.RegistryServer;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HotTier;
import io.aicache.upstream.UpstreamClients;

/**
 * A running aicache: the store, the upstream clients, the fill coordinator and the
 * registry listener, wired as DESIGN.md draws them. Closing it stops the listener first
 * and the store last.
 */
public final class Aicache implements AutoCloseable {

    private final ExecutorService storageExecutor;
    private final ExecutorService upstreamExecutor;
    private final ScheduledExecutorService timer;
    private final BlobStore store;
    private final Fills fills;
    private final RegistryServer server;

    private Aicache(AicacheConfig config) throws InterruptedException {
        StorageConfig storage = config.storage();
        UpstreamConfig upstream = config.upstream();
        storageExecutor = Executors.newFixedThreadPool(storage.storageThreads(), named("aicache-storage"));
        upstreamExecutor = Executors.newFixedThreadPool(2, named("aicache-upstream"));
        timer = Executors.newSingleThreadScheduledExecutor(named("aicache-timer"));
        store = BlobStore.open(storage.dataDir(), storage.indexCache().bytes(), storageExecutor);
        try {
            HotTier hotTier = new HotTier(storage.hotTier().maxBytes().bytes(), storage.hotTier().maxObjectBytes().toIntBytes());
            UpstreamClients clients = new UpstreamClients(
                    upstream.registries().stream().map(UpstreamConfig.Registry::toUpstream).toList(),
                    upstreamExecutor, upstream.connectTimeout(), upstream.firstByteTimeout(),
                    upstream.markDownAfter(), upstream.markDownFor(), upstream.offline());
            FillSettings fillSettings = new FillSettings(storage.chunkSize().toIntBytes(), config.fill().parallelism(),
                    upstream.idleTimeout(), config.fill().retry().toPolicy(),
                    config.fill().whenUnread() == FillConfig.WhenUnread.STOP ? config.fill().unreadGrace() : null);
            fills = new Fills(store, storageExecutor, timer, fillSettings, config.fill().maxConnectionsPerHost());
            OciRequestHandler handler = new OciRequestHandler(new UpstreamSelector(clients, upstream.defaultRegistry()),
                    store, hotTier, fills, storageExecutor, config.manifests(), upstream.offline());
            server = new RegistryServer(config.server().address(), config.server().ioThreads(), handler);
        } catch (RuntimeException | InterruptedException e) {
            shutdownExecutors();
            store.close();
            throw e;
        }
    }

    /** Starts aicache; the listener is bound when this returns. */
    public static Aicache start(AicacheConfig config) throws InterruptedException {
        return new Aicache(config);
    }

    public InetSocketAddress address() {
        return server.localAddress();
    }

    @Override
    public void close() {
        server.close();
        fills.stopAll();
        shutdownExecutors();
        store.close();
    }

    private void shutdownExecutors() {
        for (ExecutorService executor : List.of(upstreamExecutor, timer, storageExecutor)) {
            executor.shutdown();
        }
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
