package io.aicache.proxy.http;

import java.io.IOException;
import java.io.InputStream;

import io.netty.buffer.ByteBuf;

/** A stream of known length as body chunks (a kept file decompressed as it is read); closing closes the stream. */
public final class StreamChunks extends BodyChunks {

    /** One LZ4 block of a kept index decompressed. */
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;

    public StreamChunks(InputStream in, long length) {
        super(length, CHUNK);
        this.in = in;
    }

    @Override
    int read(ByteBuf into, long offset, int max) throws IOException {
        return into.writeBytes(in, max);
    }

    @Override
    void release() throws IOException {
        in.close();
    }
}
