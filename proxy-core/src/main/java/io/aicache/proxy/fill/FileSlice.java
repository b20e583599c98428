package io.aicache.proxy.fill;

import io.netty.channel.DefaultFileRegion;

/**
 * A region of a {@link SharedFile}, sent zero-copy (sendfile). Unlike a plain
 * {@link DefaultFileRegion} it does not close the channel when sent; it lets go of its
 * reference instead, so the next region of the same fill can use the same channel.
 */
public final class FileSlice extends DefaultFileRegion {

    private final SharedFile file;

    public FileSlice(SharedFile file, long position, long count) {
        super(file.channel(), position, count);
        file.retain();
        this.file = file;
    }

    @Override
    protected void deallocate() {
        file.release();
    }
}
