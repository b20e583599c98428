package io.aicache.proxy.fill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.storage.BlobStore;
import io.aicache.storage.Digest;
import io.aicache.upstream.BlobStreams;
import io.aicache.upstream.RegistryClient;
import io.aicache.upstream.RetryPolicy;
import io.aicache.upstream.TrustedCas;
import io.aicache.upstream.UpstreamHealth;
import io.aicache.upstream.UpstreamRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The end of a fill when hashing the prefix overtakes the bookkeeping of the last chunk.
 *
 * <p>A fill's storage executor is a thread pool: the hashing pass that the last chunk's final
 * write asks for ({@code FillJob.progressed}, when the prefix grew by {@code HASH_STEP} or more
 * since the last hash) runs on another thread than that write, and may finish and report
 * ({@code FillJob.hashed}) before the writing thread has counted the chunk as done
 * ({@code FillJob.chunkDone}). Here the storage executor runs every task at once on the
 * calling thread, which is one order the pool allows: the pass starts, hashes everything and
 * reports, all before the chunk is counted. The fill must still complete.
 */
class FillCompletionRaceTest {

    private static final String REPO = "org/app";
    /** As large as FillJob's hashing step (4 MiB), so a chunk's last byte ends a hashing step exactly. */
    private static final int CHUNK = 4 << 20;

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final EventLoopGroup upstreamLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Path dataDir;
    private BlobStore store;
    private Fills fills;

    @AfterEach
    void stop() throws IOException {
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

    @Test
    void completesAFillWhoseLastChunkToLandMovesThePrefixPastTheHashStep() throws Exception {
        // Two chunks of 4 MiB. Chunk 1 is held until chunk 0 has landed: chunk 0's last write then
        // hashes the first 4 MiB, and chunk 1's last write brings the prefix 4 MiB further, to
        // the end of the blob, and starts the last hashing pass before chunk 1 is counted done.
        byte[] blob = TestBlobs.random(2 * CHUNK, 1);
        String digest = upstream.addBlob(REPO, blob);
        Fault.Gate second = Fault.holdAfter(1024);
        upstream.inject(digest, second, RecordedRequest.rangeStartsAt(CHUNK), 1);
        dataDir = Files.createTempDirectory("aicache-fill-race-");
        store = BlobStore.open(dataDir, 8L << 20);
        Executor sameThread = Runnable::run;
        fills = new Fills(store, sameThread, timer, new FillSettings(CHUNK, 2, Duration.ofSeconds(60),
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100)), null), 16, new Metrics());
        RegistryClient client = new RegistryClient(
                new UpstreamRegistry("registry.test", upstream.endpoint(), Optional.empty(), false),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER).build(),
                new BlobStreams(upstreamLoops, NioSocketChannel.class, Duration.ofSeconds(5),
                        TrustedCas.jdkTrustManagers(), ForkJoinPool.commonPool()),
                Duration.ofSeconds(30), new UpstreamHealth(5, Duration.ofSeconds(30), Clock.systemUTC()));
        Digest blobDigest = Digest.parse(digest);

        Fill fill = fills.join(client, REPO, blobDigest).fill();
        assertTrue(second.awaitHeld(1, Duration.ofSeconds(30)), "chunk 1 is under way");
        Eventually.until("chunk 0 has landed while chunk 1 is held", () -> store.index().fill(blobDigest)
                .map(record -> record.landedChunks().get(0)).orElse(false));
        second.open();

        Eventually.until(() -> "the fill completes; it is " + fill.state() + " with " + fill.landed()
                + " bytes landed", fill::isComplete);
        assertArrayEquals(blob, Files.readAllBytes(store.find(blobDigest).orElseThrow().file()));
    }
}
