package io.aicache.proxy.fill;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.aicache.model.Digest;
import io.aicache.model.Repository;
import io.netty.util.IllegalReferenceCountException;

/**
 * One upstream transfer of one blob, shared by every client that wants the blob while it
 * lands. Readers follow {@link #landed()} (the contiguous prefix in the file) and are told
 * of progress through listeners; the last byte of an answer is only sent once the fill is
 * {@link #isComplete() complete}, that is verified and kept.
 */
public final class Fill {

    /** Where a fill stands. */
    public enum State { AWAITING_UPSTREAM, FILLING, COMPLETE, FAILED }

    private final Digest digest;
    private final Repository repository;
    private final CompletableFuture<Fill> started = new CompletableFuture<>();
    private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
    private volatile State state = State.AWAITING_UPSTREAM;
    private volatile long size = -1;
    private volatile long landed;
    private volatile SharedFile file;
    private volatile Throwable failure;
    private volatile Runnable whenUnread = () -> { };

    Fill(Digest digest, Repository repository) {
        this.digest = digest;
        this.repository = repository;
    }

    public Digest digest() {
        return digest;
    }

    /** The repository the blob is fetched from: upstream's answer confirms it belongs there, and only there. */
    public Repository repository() {
        return repository;
    }

    /** Completes once upstream answered and the file exists; fails with the reason upstream gave none. */
    public CompletableFuture<Fill> started() {
        return started;
    }

    public State state() {
        return state;
    }

    /** The blob's size as upstream announced it, or -1 when it did not. */
    public long size() {
        return size;
    }

    /** How many bytes from the start are in the file. */
    public long landed() {
        return landed;
    }

    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    public boolean isFailed() {
        return state == State.FAILED;
    }

    public Throwable failure() {
        return failure;
    }

    /** A reference to the fill's file for a reader, or {@code null} when the fill has let it go. */
    public SharedFile retainFile() {
        SharedFile current = file;
        if (current == null) {
            return null;
        }
        try {
            current.retain();
            return current;
        } catch (IllegalReferenceCountException released) {
            return null;
        }
    }

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** A reader stops following the fill; the last one to go triggers the fill's unread rule. */
    public void removeListener(Runnable listener) {
        if (listeners.remove(listener) && listeners.isEmpty()) {
            whenUnread.run();
        }
    }

    /** How many readers follow the fill now. */
    public int readers() {
        return listeners.size();
    }

    /** Whether any reader follows the fill now. */
    public boolean isRead() {
        return !listeners.isEmpty();
    }

    void onUnread(Runnable rule) {
        this.whenUnread = rule;
    }

    void begin(long announcedSize, SharedFile sharedFile) {
        this.size = announcedSize;
        this.file = sharedFile;
        this.state = State.FILLING;
        started.complete(this);
    }

    void advance(long newLanded) {
        this.landed = newLanded;
        notifyListeners();
    }

    void complete(long finalSize) {
        this.size = finalSize;
        this.landed = finalSize;
        this.state = State.COMPLETE;
        notifyListeners();
        releaseFile();
    }

    void fail(Throwable reason) {
        this.failure = reason;
        this.state = State.FAILED;
        started.completeExceptionally(reason);
        notifyListeners();
        releaseFile();
    }

    private void releaseFile() {
        SharedFile current = file;
        if (current != null) {
            current.release();
        }
    }

    private void notifyListeners() {
        listeners.forEach(Runnable::run);
    }
}
