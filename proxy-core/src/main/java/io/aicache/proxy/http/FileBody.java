package io.aicache.proxy.http;

import java.io.IOException;
import java.nio.channels.FileChannel;

import io.netty.channel.Channel;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCounted;

/**
 * A region of a file as an answer's body, in the form the connection can take: a file region
 * (sendfile, zero-copy) on a plain HTTP/1.1 socket; {@link FileChunks} through
 * {@code ChunkedWriteHandler} where TLS must encrypt the bytes or an HTTP/2 stream takes
 * frames. Either lets go of the file once written or failed; neither ends the answer.
 */
public final class FileBody {

    private FileBody() {
    }

    /** The body for {@code count} bytes of {@code file} from {@code position}; closes {@code file} when done. */
    public static Object of(Channel channel, FileChannel file, long position, long count) {
        return canSendRegion(channel) ? new DefaultFileRegion(file, position, count)
                : new FileChunks(file, position, count, () -> closeQuietly(file));
    }

    /**
     * The body for {@code count} bytes of a shared {@code file} from {@code position}; holds one
     * reference to {@code owner}, taken here and released when done, and leaves the file open
     * for the owner's other readers.
     */
    public static Object ofShared(Channel channel, FileChannel file, ReferenceCounted owner, long position, long count) {
        owner.retain();
        return canSendRegion(channel) ? new SharedRegion(file, owner, position, count)
                : new FileChunks(file, position, count, owner::release);
    }

    /** Only a plain HTTP/1.1 socket takes a file region. */
    private static boolean canSendRegion(Channel channel) {
        return !(channel instanceof Http2StreamChannel) && channel.pipeline().get(SslHandler.class) == null;
    }

    /** Closes a file opened for a body, also one that is not sent after all (a HEAD). */
    public static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    /** Unlike a plain {@link DefaultFileRegion} it does not close the file when sent: it lets go of its owner. */
    private static final class SharedRegion extends DefaultFileRegion {

        private final ReferenceCounted owner;

        SharedRegion(FileChannel file, ReferenceCounted owner, long position, long count) {
            super(file, position, count);
            this.owner = owner;
        }

        @Override
        protected void deallocate() {
            owner.release();
        }
    }
}
