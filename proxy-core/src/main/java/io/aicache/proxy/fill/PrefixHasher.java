package io.aicache.proxy.fill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.Executor;

import io.aicache.storage.PartialBlob;

/**
 * Hashes a partial file's contiguous prefix in order, reading back what the range GETs wrote
 * (from the page cache), so chunks may land in any order and the digest is still computed
 * over every byte exactly once. Runs on the storage executor, one pass at a time.
 */
final class PrefixHasher {

    private static final int READ_SIZE = 1 << 20;

    private final PartialBlob partial;
    private final MessageDigest hasher;
    private final Executor executor;
    private final Progress progress;
    /**
     * One per storage thread, as passes run there. Direct, so the file read lands in it with no copy
     * on the way (a heap buffer is read through a direct one); the digest takes it in small pieces
     * that stay in the CPU's cache.
     */
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_SIZE));
    private long hashed;
    private long target;
    private boolean running;

    /** Told how far the prefix is hashed after each pass, or why hashing failed. */
    interface Progress {
        void hashed(long upTo);

        void hashingFailed(Throwable failure);
    }

    PrefixHasher(PartialBlob partial, MessageDigest hasher, Executor executor, Progress progress) {
        this.partial = partial;
        this.hasher = hasher;
        this.executor = executor;
        this.progress = progress;
    }

    /** Asks for the prefix up to {@code landed} to be hashed. */
    synchronized void hashUpTo(long landed) {
        target = Math.max(target, landed);
        if (!running && hashed < target) {
            running = true;
            executor.execute(this::pass);
        }
    }

    /** The digest of everything hashed; call once, after the whole blob is hashed. */
    byte[] digest() {
        return hasher.digest();
    }

    private void pass() {
        long upTo;
        synchronized (this) {
            upTo = target;
        }
        ByteBuffer buffer = BUFFERS.get();
        try {
            while (hashed < upTo) {
                buffer.clear().limit((int) Math.min(READ_SIZE, upTo - hashed));
                int read = partial.read(buffer, hashed);
                if (read < 0) {
                    throw new IOException("partial file of " + partial.digest() + " ends at " + hashed);
                }
                hasher.update(buffer.flip());
                hashed += read;
            }
        } catch (IOException | RuntimeException e) {
            progress.hashingFailed(e);
            return;
        } finally {
            synchronized (this) {
                running = false;
            }
        }
        progress.hashed(upTo);
        hashUpTo(upTo);
    }
}
