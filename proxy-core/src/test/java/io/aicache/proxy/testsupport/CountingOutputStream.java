package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/** Passes bytes on to the exchange's body stream and reports how many were written. */
final class CountingOutputStream extends OutputStream {

    private final OutputStream out;
    private final LongConsumer counter;

    CountingOutputStream(OutputStream out, LongConsumer counter) {
        this.out = out;
        this.counter = counter;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        counter.accept(1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        counter.accept(length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
