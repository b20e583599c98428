package io.aicache.proxy.http;

import java.io.IOException;
import java.nio.channels.FileChannel;

import io.netty.buffer.ByteBuf;

/**
 * A region of a file as body chunks, for connections that cannot take a file region
 * (sendfile): TLS, where the bytes must pass through the cipher, and HTTP/2 streams, which
 * take frames. Reads are positional, so readers of one shared file do not disturb each other.
 */
final class FileChunks extends BodyChunks {

    /** Large enough for few trips through the pipeline and the TLS engine, small enough to keep one per connection. */
    private static final int CHUNK = 256 * 1024;

    private final FileChannel file;
    private final long start;
    private final Runnable onClose;

    /** @param onClose lets go of the file (closes it, or drops a reference to a shared one) */
    FileChunks(FileChannel file, long position, long count, Runnable onClose) {
        super(count, CHUNK);
        this.file = file;
        this.start = position;
        this.onClose = onClose;
    }

    @Override
    int read(ByteBuf into, long offset, int max) throws IOException {
        return into.writeBytes(file, start + offset, max);
    }

    @Override
    void release() {
        onClose.run();
    }
}
