package io.aicache.proxy.fill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * A read channel on a fill's file, shared by every reader of the fill and closed when the
 * last of them (and the fill itself) lets go. It stays valid when the partial file is
 * renamed into {@code blobs/}, so readers never see the rename.
 */
public final class SharedFile extends AbstractReferenceCounted {

    private final FileChannel channel;

    private SharedFile(FileChannel channel) {
        this.channel = channel;
    }

    public static SharedFile open(Path file) {
        try {
            return new SharedFile(FileChannel.open(file, StandardOpenOption.READ));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FileChannel channel() {
        return channel;
    }

    @Override
    protected void deallocate() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only channel has nothing to lose on close
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }
}
