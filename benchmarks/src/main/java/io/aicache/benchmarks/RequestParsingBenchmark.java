package io.aicache.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import io.aicache.model.Digest;
import io.aicache.proxy.http.ByteRange;
import io.aicache.proxy.oci.OciRoute;
import io.aicache.proxy.oci.References;

/** What every request pays before any lookup: routing the path and validating the name and the digest. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RequestParsingBenchmark {

    private final String blobPath =
            "/v2/library/alpine/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Benchmark
    public Digest routeAndValidateBlobRequest() {
        OciRoute route = OciRoute.parse(blobPath);
        References.requireName(route.name());
        return References.requireDigest(route.reference());
    }

    @Benchmark
    public long[] parseRange() {
        return ByteRange.parse("bytes=1048576-2097151").resolve(1L << 30);
    }
}
