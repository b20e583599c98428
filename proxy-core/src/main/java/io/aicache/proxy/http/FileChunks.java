package io.aicache.proxy.http;

import java.io.IOException;
import java.nio.channels.FileChannel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;

/**
 * A region of a file as body chunks, for connections that cannot take a file region
 * (sendfile): TLS, where the bytes must pass through the cipher, and HTTP/2 streams, which
 * take frames. {@code ChunkedWriteHandler} reads the next chunk only when the connection can
 * take it, so memory holds one chunk per connection, whatever the blob's size. Reads are
 * positional, so readers of one shared file do not disturb each other. The chunks are not the
 * answer's last content; the caller ends the answer.
 */
public final class FileChunks implements ChunkedInput<HttpContent> {

    /** Large enough for few trips through the pipeline, small enough to keep one per connection. */
    private static final int CHUNK = 64 * 1024;

    private final FileChannel file;
    private final long end;
    private final Runnable onClose;
    private long position;
    private boolean closed;

    /** @param onClose lets go of the file (closes it, or drops a reference to a shared one) */
    public FileChunks(FileChannel file, long position, long count, Runnable onClose) {
        this.file = file;
        this.position = position;
        this.end = position + count;
        this.onClose = onClose;
    }

    @Override
    public boolean isEndOfInput() {
        return position >= end;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }

    @Override
    @Deprecated
    public HttpContent readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) throws IOException {
        if (isEndOfInput()) {
            return null;
        }
        int size = (int) Math.min(CHUNK, end - position);
        ByteBuf buffer = allocator.ioBuffer(size);
        try {
            while (buffer.writerIndex() < size) {
                int read = buffer.writeBytes(file, position + buffer.writerIndex(), size - buffer.writerIndex());
                if (read < 0) {
                    throw new IOException("file ended " + (end - position - buffer.writerIndex()) + " bytes early");
                }
            }
            position += size;
            return new DefaultHttpContent(buffer);
        } catch (IOException | RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return position;
    }
}
