package io.aicache.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.aicache.storage.BlobRecord;
import io.aicache.storage.BlobStore;
import io.aicache.storage.CacheIndex;
import io.aicache.storage.Digest;
import io.aicache.storage.DiskBudget;

/**
 * Start-up with many indexed blobs: builds an index of {@code blobs} records (synced writes from
 * many threads, as fills commit), closes it without a flush (so the first open replays the
 * write-ahead log, as after {@code kill -9}), then opens the blob store a few times and prints
 * how long each open took:
 * {@code build_seconds=... open_1_seconds=... open_2_seconds=... open_3_seconds=... indexed_bytes=...}.
 *
 * <p>Usage: {@code StartupHarness [blobs] [directory]} (1,000,000 and a temporary directory).
 */
public final class StartupHarness {

    private static final long MEMORY = 64L << 20;
    private static final int WRITERS = 32;
    private static final long BLOB_BYTES = 8L << 20;

    private StartupHarness() {
    }

    public static void main(String[] args) throws Exception {
        int blobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path directory = args.length > 1 ? Path.of(args[1]) : TemporaryDirectory.create("aicache-startup");
        try {
            long started = System.nanoTime();
            build(directory, blobs);
            System.out.printf("build_seconds=%.2f%n", seconds(started));
            Digest probe = digestOf(blobs - 1);
            for (int run = 1; run <= 3; run++) {
                long opening = System.nanoTime();
                try (BlobStore store = BlobStore.open(directory, MEMORY, Runnable::run, DiskBudget.UNLIMITED)) {
                    double took = seconds(opening);
                    long indexed = store.usage().usedBytes();
                    if (indexed != blobs * BLOB_BYTES || store.index().blob(probe).isEmpty()) {
                        throw new IllegalStateException("the reopened index holds " + indexed + " bytes, expected "
                                + blobs * BLOB_BYTES);
                    }
                    System.out.printf("open_%d_seconds=%.3f%n", run, took);
                }
            }
            System.out.printf("blobs=%d indexed_bytes=%d%n", blobs, blobs * BLOB_BYTES);
        } finally {
            if (args.length <= 1) {
                TemporaryDirectory.delete(directory);
            }
        }
    }

    private static void build(Path directory, int blobs) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try (CacheIndex index = CacheIndex.open(directory.resolve("index"), MEMORY)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w;
                done.add(writers.submit(() -> {
                    for (int i = first; i < blobs; i += WRITERS) {
                        index.putBlob(new BlobRecord(digestOf(i), BLOB_BYTES, "application/vnd.oci.image.layer.v1.tar+gzip",
                                System.currentTimeMillis()));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
        } finally {
            writers.shutdownNow();
        }
    }

    private static Digest digestOf(long n) {
        return Digest.sha256Of(ByteBuffer.allocate(Long.BYTES).putLong(n).array());
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
