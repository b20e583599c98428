package io.aicache.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;

/**
 * Re-hashes kept blobs in the background, a budget of bytes per tick, walking the index in key
 * order and starting over at the end. A blob whose file is missing or fails its digest is
 * dropped, so the next pull fetches it again instead of serving bytes that are gone or wrong.
 * A large blob is hashed across ticks. {@link #tick} is meant to run once a second, from any
 * thread; a tick that comes while another still runs is skipped.
 */
public final class Scrubber {

    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    private static final int PAGE = 256;
    private static final int READ_BYTES = 1 << 20;

    private final BlobStore store;
    private final long bytesPerTick;
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
    private final Deque<BlobRecord> queue = new ArrayDeque<>();
    private final AtomicLong scrubbedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private Digest cursor;
    private BlobRecord current;
    private MessageDigest hasher;
    private long position;

    /** @param bytesPerTick how much to read per {@link #tick} (the rate, with one tick a second) */
    public Scrubber(BlobStore store, long bytesPerTick) {
        if (bytesPerTick <= 0) {
            throw new IllegalArgumentException("bytesPerTick must be positive, got " + bytesPerTick);
        }
        this.store = store;
        this.bytesPerTick = bytesPerTick;
    }

    /** Reads up to the tick's budget of kept bytes, checking each blob it finishes. */
    public void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            long budget = bytesPerTick;
            while (budget > 0) {
                if (current == null && !next()) {
                    return;
                }
                budget -= current.compressed() ? checkCompressed() : hashSome(budget);
            }
        } finally {
            running.set(false);
        }
    }

    /** Bytes read and hashed since start. */
    public long scrubbedBytes() {
        return scrubbedBytes.get();
    }

    /** Blobs dropped since start because their file was missing or wrong. */
    public long dropped() {
        return dropped.get();
    }

    /** Takes the next blob to check; false when the index holds none (the walk starts over next tick). */
    private boolean next() {
        if (queue.isEmpty()) {
            queue.addAll(store.blobs().after(cursor, PAGE));
            if (queue.isEmpty()) {
                cursor = null;
                return false;
            }
        }
        current = queue.poll();
        cursor = current.digest();
        hasher = current.digest().newHasher();
        position = 0;
        return true;
    }

    /** A small compressed blob: read and decompressed whole. */
    private long checkCompressed() {
        BlobRecord blob = current;
        current = null;
        try {
            byte[] stored = Files.readAllBytes(store.blobPath(blob.digest()));
            scrubbedBytes.addAndGet(stored.length);
            boolean right = stored.length == blob.storedSize()
                    && blob.digest().matches(hasher.digest(BlobCompression.decompress(stored, blob.size())));
            finish(blob, right);
            return Math.max(stored.length, 1);
        } catch (IOException | IllegalArgumentException e) {
            finish(blob, false);
            return 1;
        }
    }

    /** Hashes up to {@code budget} more bytes of the current blob; finishes it at its end. */
    private long hashSome(long budget) {
        BlobRecord blob = current;
        long read = 0;
        try (FileChannel channel = FileChannel.open(store.blobPath(blob.digest()), StandardOpenOption.READ)) {
            while (read < budget && position < blob.size()) {
                buffer.clear().limit((int) Math.min(READ_BYTES, Math.min(budget - read, blob.size() - position)));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                hasher.update(buffer.flip());
                position += n;
                read += n;
            }
            scrubbedBytes.addAndGet(read);
            if (position >= blob.size() || read < budget) {
                current = null;
                finish(blob, position == blob.size() && channel.size() == blob.size() && blob.digest().matches(hasher.digest()));
            }
        } catch (IOException e) {
            current = null;
            finish(blob, false);
        }
        return Math.max(read, 1);
    }

    private void finish(BlobRecord blob, boolean right) {
        if (!right && store.removeIfUnchanged(blob)) {
            LOG.warn("blob {} is missing or fails its digest; dropped it so it is fetched again", blob.digest());
            dropped.incrementAndGet();
        }
    }
}
