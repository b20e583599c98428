package io.aicache.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.aicache.model.Digest;
import io.aicache.storage.BlobRecord;
import io.aicache.storage.BlobStore;
import io.aicache.storage.CacheIndex;
import io.aicache.storage.DiskBudget;

/**
 * Start-up with many indexed blobs: a child JVM builds an index of {@code blobs} records (synced
 * writes from many threads, as fills commit) and halts without closing it, as {@code kill -9}
 * would; then the blob store is opened three times (the first replays what the write-ahead log
 * holds, the others follow a clean close) and each open is timed:
 * {@code build_seconds=... open_after_kill_seconds=... open_2_seconds=... open_3_seconds=...}.
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
        if (args.length == 3 && args[0].equals("--build-and-halt")) {
            build(Path.of(args[2]), Integer.parseInt(args[1]));
            Runtime.getRuntime().halt(0);
        }
        int blobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path directory = args.length > 1 ? Path.of(args[1]) : TemporaryDirectory.create("aicache-startup");
        try {
            long started = System.nanoTime();
            buildInChild(directory, blobs);
            System.out.printf("build_seconds=%.2f%n", seconds(started));
            Digest probe = digestOf(blobs - 1);
            for (int run = 1; run <= 3; run++) {
                long opening = System.nanoTime();
                try (BlobStore store = BlobStore.open(directory, MEMORY, Runnable::run, DiskBudget.UNLIMITED)) {
                    double took = seconds(opening);
                    long indexed = store.usage().usedBytes();
                    if (indexed != blobs * BLOB_BYTES || store.blobs().get(probe).isEmpty()) {
                        throw new IllegalStateException("the reopened index holds " + indexed + " bytes, expected "
                                + blobs * BLOB_BYTES);
                    }
                    String label = run == 1 ? "open_after_kill" : "open_" + run;
                    System.out.printf("%s_seconds=%.3f%n", label, took);
                }
            }
            System.out.printf("blobs=%d indexed_bytes=%d%n", blobs, blobs * BLOB_BYTES);
        } finally {
            if (args.length <= 1) {
                TemporaryDirectory.delete(directory);
            }
        }
    }

    private static void buildInChild(Path directory, int blobs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StartupHarness.class.getName(), "--build-and-halt", Integer.toString(blobs), directory.toString())
                .inheritIO().start();
        if (child.waitFor() != 0) {
            throw new IllegalStateException("building the index failed with exit code " + child.exitValue());
        }
    }

    /** Leaves the index open: the caller halts the JVM as a crash would. */
    private static void build(Path directory, int blobs) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        CacheIndex index = CacheIndex.open(directory.resolve("index"), MEMORY);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w;
                done.add(writers.submit(() -> {
                    for (int i = first; i < blobs; i += WRITERS) {
                        index.blobs().put(new BlobRecord(digestOf(i), BLOB_BYTES, "application/vnd.oci.image.layer.v1.tar+gzip",
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
