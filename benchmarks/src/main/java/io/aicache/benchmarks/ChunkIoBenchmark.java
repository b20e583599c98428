package io.aicache.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.aicache.model.Digest;
import io.aicache.storage.BlobStore;
import io.aicache.storage.PartialBlob;

/**
 * A fill's disk I/O: positional writes of the 16 KiB heap buffers upstream's body arrives in,
 * at the offsets of the chunks being fetched, and the 1 MiB positional reads that hash the
 * landed prefix. The partial file (64 MiB, 8 MiB chunks) stays in the page cache, as a fill's
 * recent bytes do; figures are operations per second (multiply by the buffer for bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkIoBenchmark {

    private static final int FILE_BYTES = 64 << 20;
    private static final int CHUNK_BYTES = 8 << 20;
    private static final int CHUNKS = FILE_BYTES / CHUNK_BYTES;
    private static final int BODY_PART_BYTES = 16 << 10;
    private static final int READ_BYTES = 1 << 20;

    private Path directory;
    private BlobStore store;
    private PartialBlob partial;
    private final ByteBuffer bodyPart = ByteBuffer.allocate(BODY_PART_BYTES);
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BYTES);
    private long writeStep;
    private long readPosition;

    @Setup(Level.Trial)
    public void createPartialFile() throws IOException {
        directory = TemporaryDirectory.create("aicache-jmh-chunks");
        store = BlobStore.open(directory, 8L << 20);
        partial = store.beginFill(Digest.sha256Of("chunk-io".getBytes()), FILE_BYTES, CHUNK_BYTES);
        new Random(1).nextBytes(bodyPart.array());
        for (long at = 0; at < FILE_BYTES; at += BODY_PART_BYTES) {
            partial.write(bodyPart.clear(), at);
        }
    }

    /** Ranges land side by side: successive writes go to successive chunks, each further along. */
    @Benchmark
    public long writeBodyPartIntoChunk() throws IOException {
        long step = writeStep++;
        long offsetInChunk = (step / CHUNKS * BODY_PART_BYTES) % CHUNK_BYTES;
        long position = (step % CHUNKS) * CHUNK_BYTES + offsetInChunk;
        partial.write(bodyPart.clear(), position);
        return position;
    }

    @Benchmark
    public int readOneMiBOfPrefix() throws IOException {
        int read = partial.read(readBuffer.clear(), readPosition);
        readPosition = (readPosition + READ_BYTES) % FILE_BYTES;
        return read;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.abandon(partial);
        store.close();
        TemporaryDirectory.delete(directory);
    }
}
