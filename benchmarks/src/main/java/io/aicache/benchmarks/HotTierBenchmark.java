package io.aicache.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.aicache.model.Digest;
import io.aicache.storage.HotTier;

/** A hot-tier hit: a manifest served from memory without touching the index or the disk. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotTierBenchmark {

    private HotTier hotTier;
    private Digest[] kept;

    @Setup
    public void fill() {
        hotTier = new HotTier(64L << 20, 1 << 20);
        kept = new Digest[10_000];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = Digest.sha256Of(("manifest-" + i).getBytes());
            hotTier.offer(kept[i], new byte[2048]);
        }
    }

    @Benchmark
    public byte[] hit() {
        return hotTier.get(kept[ThreadLocalRandom.current().nextInt(kept.length)]);
    }
}
