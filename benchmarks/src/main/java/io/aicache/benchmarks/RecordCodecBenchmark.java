package io.aicache.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import io.aicache.model.Digest;
import io.aicache.storage.BlobRecord;
import io.aicache.storage.RecordCodec;

/** Encoding and decoding the index's blob records and digest keys. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordCodecBenchmark {

    private final Digest digest = Digest.sha256Of("layer".getBytes());
    private final BlobRecord record = new BlobRecord(digest, 123_456_789L, "application/octet-stream", 1_700_000_000_000L);
    private final byte[] encoded = RecordCodec.encodeBlob(record);

    @Benchmark
    public byte[] encodeBlob() {
        return RecordCodec.encodeBlob(record);
    }

    @Benchmark
    public BlobRecord decodeBlob() {
        return RecordCodec.decodeBlob(digest, encoded);
    }

    @Benchmark
    public byte[] digestKey() {
        return RecordCodec.digestKey(digest);
    }
}
