package io.aicache.proxy.http;

import java.io.IOException;
import java.io.InputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;

/**
 * A stream of known length as body chunks (a kept file decompressed as it is read), for every
 * kind of connection: {@code ChunkedWriteHandler} reads the next chunk only when the connection
 * can take it, so memory holds one chunk per connection. The chunks are not the answer's last
 * content; the caller ends the answer. Closing closes the stream.
 */
public final class StreamChunks implements ChunkedInput<HttpContent> {

    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final long length;
    private long position;
    private boolean closed;

    public StreamChunks(InputStream in, long length) {
        this.in = in;
        this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
        return position >= length;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
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
        int size = (int) Math.min(CHUNK, length - position);
        ByteBuf buffer = allocator.ioBuffer(size);
        try {
            while (buffer.writerIndex() < size) {
                if (buffer.writeBytes(in, size - buffer.writerIndex()) < 0) {
                    throw new IOException("stream ended " + (length - position - buffer.writerIndex()) + " bytes early");
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
        return length;
    }

    @Override
    public long progress() {
        return position;
    }
}
