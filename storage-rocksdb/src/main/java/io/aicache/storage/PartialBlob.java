package io.aicache.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

import io.aicache.model.Digest;

/**
 * A blob being filled: a sparse file written at chunk offsets, and the record of which
 * chunks have landed. Positional writes may come from several threads at once (one per
 * range); nothing here is visible to readers of complete blobs until {@link BlobStore#commit}.
 */
public final class PartialBlob implements AutoCloseable {

    private final Digest digest;
    private final long size;
    private final int chunkSize;
    private final Path file;
    private final FileChannel channel;
    private final FillRecords fills;
    private final BitSet landed = new BitSet();

    private PartialBlob(Digest digest, long size, int chunkSize, Path file, FillRecords fills, FileChannel channel,
                        BitSet landed) {
        this.digest = digest;
        this.size = size;
        this.chunkSize = chunkSize;
        this.file = file;
        this.fills = fills;
        this.channel = channel;
        this.landed.or(landed);
    }

    /** A new, empty partial file, and its record. */
    static PartialBlob create(Digest digest, long size, int chunkSize, Path file, FillRecords fills) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        PartialBlob partial = new PartialBlob(digest, size, chunkSize, file, fills, channel, new BitSet());
        fills.put(partial.record());
        return partial;
    }

    /** The partial file a fill left before a restart, with the chunks its record says landed. */
    static PartialBlob reopen(FillRecord record, Path file, FillRecords fills) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new PartialBlob(record.digest(), record.size(), record.chunkSize(), file, fills, channel,
                record.landedChunks());
    }

    public Digest digest() {
        return digest;
    }

    /** The planned size, or -1 when upstream did not say. */
    public long size() {
        return size;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** The partial file; readers open it themselves and read up to the fill's watermark. */
    public Path file() {
        return file;
    }

    /** Writes all of {@code bytes} at {@code position}. */
    public void write(ByteBuffer bytes, long position) throws IOException {
        long at = position;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    /** The chunks that landed before this fill was resumed (empty for a new fill). */
    public BitSet landedChunks() {
        synchronized (landed) {
            return (BitSet) landed.clone();
        }
    }

    /** Reads into {@code into} from {@code position}; returns the count read, -1 at the end of the file. */
    public int read(ByteBuffer into, long position) throws IOException {
        return channel.read(into, position);
    }

    /** Records that chunk {@code chunk} is complete, so a restart need not fetch it again. */
    public void markChunkLanded(int chunk) {
        FillRecord snapshot;
        synchronized (landed) {
            landed.set(chunk);
            snapshot = record();
        }
        fills.put(snapshot);
    }

    /** Makes the written bytes durable before the blob is renamed into place. */
    void force() throws IOException {
        channel.force(true);
    }

    private FillRecord record() {
        return new FillRecord(digest, size, chunkSize, landed);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
