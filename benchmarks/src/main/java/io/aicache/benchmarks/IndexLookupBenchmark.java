package io.aicache.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.aicache.model.Digest;
import io.aicache.storage.BlobIndex;
import io.aicache.storage.BlobRecord;
import io.aicache.storage.CacheIndex;

/** The hit path's index lookup: the record of a present blob, and of an absent one (a miss). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IndexLookupBenchmark {

    @Param({"100000"})
    public int blobs;

    private Path directory;
    private CacheIndex index;
    private BlobIndex records;
    private Digest[] present;
    private Digest[] absent;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        directory = TemporaryDirectory.create("aicache-jmh-index");
        index = CacheIndex.open(directory, 64L << 20);
        records = index.blobs();
        present = new Digest[blobs];
        absent = new Digest[1024];
        for (int i = 0; i < blobs; i++) {
            present[i] = Digest.sha256Of(("blob-" + i).getBytes());
            records.put(new BlobRecord(present[i], 1L << 24, "application/octet-stream", i));
        }
        for (int i = 0; i < absent.length; i++) {
            absent[i] = Digest.sha256Of(("absent-" + i).getBytes());
        }
    }

    @Benchmark
    public Object presentBlobRecord() {
        return records.get(present[ThreadLocalRandom.current().nextInt(present.length)]);
    }

    @Benchmark
    public Object absentBlobRecord() {
        return records.get(absent[ThreadLocalRandom.current().nextInt(absent.length)]);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        index.close();
        TemporaryDirectory.delete(directory);
    }
}
