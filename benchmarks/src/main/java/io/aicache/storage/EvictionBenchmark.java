package io.aicache.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.aicache.benchmarks.TemporaryDirectory;
import io.aicache.model.Digest;

/**
 * Eviction under churn: the evictor ranks every kept blob and picks a tenth of them to drop,
 * while on another thread fills commit new blobs (a synced index write each), old ones go and
 * hits are counted. Lives in the storage package because the evictor is internal to it.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EvictionBenchmark {

    private static final long BLOB_BYTES = 4L << 20;
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    @Param({"100000"})
    public int blobs;

    private Path directory;
    private CacheIndex index;
    private BlobIndex records;
    private AccessTracker accesses;
    private Evictor evictor;
    private Digest[] kept;
    private long committed;
    private final Predicate<Digest> pinnedNone = digest -> false;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        directory = TemporaryDirectory.create("aicache-jmh-eviction");
        index = CacheIndex.open(directory, 64L << 20);
        records = index.blobs();
        accesses = new AccessTracker(records);
        evictor = new Evictor(records, accesses);
        kept = new Digest[blobs];
        for (int i = 0; i < blobs; i++) {
            kept[i] = digestOf(i);
            records.put(new BlobRecord(kept[i], BLOB_BYTES, LAYER, i));
            if (i % 3 == 0) {
                accesses.touched(kept[i]);
            }
        }
        accesses.flush();
        committed = blobs;
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public List<BlobRecord> chooseATenth() {
        return evictor.choose(blobs / 10 * BLOB_BYTES, pinnedNone);
    }

    /** One fill commits, the oldest blob goes (the count stays the same) and a kept blob is hit. */
    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public Digest commitWhileChoosing() {
        int slot = (int) (committed % blobs);
        records.delete(kept[slot]);
        kept[slot] = digestOf(committed++);
        records.put(new BlobRecord(kept[slot], BLOB_BYTES, LAYER, System.currentTimeMillis()));
        accesses.touched(kept[ThreadLocalRandom.current().nextInt(blobs)]);
        return kept[slot];
    }

    private static Digest digestOf(long n) {
        return Digest.sha256Of(ByteBuffer.allocate(8).putLong(n).array());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        index.close();
        TemporaryDirectory.delete(directory);
    }
}
