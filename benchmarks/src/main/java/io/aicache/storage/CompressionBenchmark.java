package io.aicache.storage;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * LZ4 on what aicache keeps compressed: a 64 KiB image index (JSON), compressed when it is kept
 * and decompressed when it is read from disk. Lives in the storage package because the
 * compression is internal to it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressionBenchmark {

    private static final String INDEX = "application/vnd.oci.image.index.v1+json";

    private byte[] manifest;
    private byte[] stored;

    @Setup
    public void prepare() {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[");
        for (int i = 0; json.length() < 64 * 1024; i++) {
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",")
                    .append("\"digest\":\"sha256:").append(String.format("%064x", (long) i * 0x9E3779B97F4A7C15L))
                    .append("\",\"size\":").append(1000 + i).append(",\"platform\":{\"os\":\"linux\",\"architecture\":\"")
                    .append(i % 2 == 0 ? "amd64" : "arm64").append("\"}}");
        }
        manifest = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        stored = BlobCompression.compressIfWorthIt(manifest, INDEX);
        if (stored == null) {
            throw new IllegalStateException("the benchmark's manifest does not compress");
        }
    }

    @Benchmark
    public byte[] compressManifest() {
        return BlobCompression.compressIfWorthIt(manifest, INDEX);
    }

    @Benchmark
    public byte[] decompressManifest() {
        return BlobCompression.decompress(stored, manifest.length);
    }
}
