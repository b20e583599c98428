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

import io.aicache.model.BlobReference;
import io.aicache.model.Digest;
import io.aicache.model.Repository;
import io.aicache.storage.BlobLinks;
import io.aicache.storage.BlobIndex;
import io.aicache.storage.BlobRecord;
import io.aicache.storage.CacheIndex;

/**
 * The hit path's index lookup: the record of a present blob, and of an absent one (a miss); and a
 * kept blob's record with its link to the repository it is asked for through, as a hit looks both up.
 */
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
    private BlobLinks links;
    private final Repository repository = new Repository("registry.test", "team-a/app");

    @Setup(Level.Trial)
    public void fill() throws IOException {
        directory = TemporaryDirectory.create("aicache-jmh-index");
        index = CacheIndex.open(directory, 64L << 20);
        records = index.blobs();
        links = index.links();
        present = new Digest[blobs];
        absent = new Digest[1024];
        for (int i = 0; i < blobs; i++) {
            present[i] = Digest.sha256Of(("blob-" + i).getBytes());
            records.put(new BlobRecord(present[i], 1L << 24, "application/octet-stream", i));
            links.link(repository.blob(present[i]));
        }
        for (int i = 0; i < absent.length; i++) {
            absent[i] = Digest.sha256Of(("absent-" + i).getBytes());
        }
    }

    @Benchmark
    public Object presentBlobRecord() {
        return records.get(present[ThreadLocalRandom.current().nextInt(present.length)]);
    }

    /** A request names the repository afresh each time: the link's key is built per lookup, as on the hit path. */
    @Benchmark
    public boolean presentBlobRecordAndLink() {
        Digest digest = present[ThreadLocalRandom.current().nextInt(present.length)];
        return records.get(digest).isPresent() && links.has(new BlobReference(repository, digest));
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
