package io.aicache.benchmarks;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** sha256 over one 1 MiB read of a fill's prefix: the digest check's cost per byte. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkHashBenchmark {

    private final byte[] chunk = new byte[1 << 20];
    private MessageDigest sha256;

    @Setup
    public void prepare() throws NoSuchAlgorithmException {
        new Random(1).nextBytes(chunk);
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Benchmark
    public byte[] sha256OfOneMiB() {
        sha256.update(chunk);
        return sha256.digest();
    }
}
