package io.aicache.proxy.http;

import java.io.IOException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;

/**
 * A body of known length as content chunks. {@code ChunkedWriteHandler} reads the
 * next chunk only when the connection can take it, so memory holds one chunk per connection,
 * whatever the body's size; the chunks are not the answer's last content, the caller ends the
 * answer. Subclasses say where the bytes come from and what closing lets go of.
 */
abstract class BodyChunks implements ChunkedInput<HttpContent> {

    private final int chunk;
    private final long length;
    private long sent;
    private boolean closed;

    /** @param chunk the most bytes per chunk: few trips through the pipeline, yet one chunk per connection is cheap */
    BodyChunks(long length, int chunk) {
        this.length = length;
        this.chunk = chunk;
    }

    /**
     * Appends up to {@code max} bytes, from {@code offset} bytes into the body, to {@code into};
     * returns the count appended, -1 at the end of the source.
     */
    abstract int read(ByteBuf into, long offset, int max) throws IOException;

    /** Lets go of the source; called once. */
    abstract void release() throws IOException;

    @Override
    public boolean isEndOfInput() {
        return sent >= length;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            release();
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
        int size = (int) Math.min(chunk, length - sent);
        ByteBuf buffer = allocator.ioBuffer(size);
        try {
            while (buffer.writerIndex() < size) {
                if (read(buffer, sent + buffer.writerIndex(), size - buffer.writerIndex()) < 0) {
                    throw new IOException("the body's source ended " + (length - sent - buffer.writerIndex())
                            + " bytes early");
                }
            }
            sent += size;
            return new DefaultHttpContent(buffer);
        } catch (IOException | RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return sent;
    }
}
