package io.aicache.proxy.fill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.aicache.model.Repository;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.storage.BlobStore;
import io.aicache.upstream.BlobStreams;
import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.RegistryClient;
import io.aicache.upstream.RetryPolicy;
import io.aicache.upstream.TrustedCas;
import io.aicache.upstream.UpstreamHealth;
import io.aicache.upstream.UpstreamObserver;
import io.aicache.upstream.UpstreamRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/** A fill's surroundings in a test: a faulty upstream and a client of it, a store in a temporary directory, the fills. */
final class FillFixture implements AutoCloseable {

    static final Repository REPO = new Repository("registry.test", "org/app");

    final FaultyUpstream upstream = FaultyUpstream.start();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final EventLoopGroup upstreamLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Path dataDir;
    BlobStore store;
    Fills fills;

    /** Opens the store and the fills: ranges of {@code chunkSize}, {@code parallelism} at once, on {@code storageExecutor}. */
    void open(Executor storageExecutor, int chunkSize, int parallelism) throws IOException {
        open(storageExecutor, chunkSize, parallelism, 8L << 20);
    }

    /** As {@link #open(Executor, int, int)}, with a disk budget of {@code maxBytes}. */
    void open(Executor storageExecutor, int chunkSize, int parallelism, long maxBytes) throws IOException {
        dataDir = Files.createTempDirectory("aicache-fill-");
        store = BlobStore.open(dataDir, maxBytes);
        fills = new Fills(store, storageExecutor, timer, new FillSettings(chunkSize, parallelism, Duration.ofSeconds(60),
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100)), null), 16, new Metrics());
    }

    RegistryClient client() {
        return client(upstream.endpoint(), Optional.empty());
    }

    /** A client of the registry at {@code endpoint}, sending what {@code credentials} issue. */
    RegistryClient client(URI endpoint, Optional<CredentialProvider> credentials) {
        return new RegistryClient(
                new UpstreamRegistry("registry.test", endpoint, credentials, false),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER).build(),
                new BlobStreams(upstreamLoops, NioSocketChannel.class, Duration.ofSeconds(5),
                        TrustedCas.jdkTrustManagers(), ForkJoinPool.commonPool()),
                Duration.ofSeconds(30), () -> new UpstreamHealth(5, Duration.ofSeconds(30), Clock.systemUTC()),
                UpstreamObserver.NONE, ForkJoinPool.commonPool());
    }

    @Override
    public void close() throws IOException {
        if (fills != null) {
            fills.stopAll();
        }
        upstream.close();
        timer.shutdownNow();
        upstreamLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (store != null) {
            store.close();
        }
        if (dataDir != null) {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
