package io.aicache.proxy.oci;

import java.util.concurrent.atomic.AtomicBoolean;

import io.aicache.proxy.fill.Fill;
import io.aicache.proxy.fill.SharedFile;
import io.aicache.proxy.http.ByteRange;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.FileBody;
import io.netty.channel.ChannelFutureListener;

/**
 * Answers one client from a fill while it lands: sends what is in the file, waits for more,
 * and sends the answer's last byte only once the fill is verified and kept. When the fill
 * fails the connection is closed, so the client never takes a short or wrong body as whole.
 * Runs on the client's event loop.
 */
final class FillFollower implements Runnable {

    private final Exchange exchange;
    private final Fill fill;
    private final ByteRange range;
    private final Target target;
    private final Runnable servedFromStore;
    /**
     * Once an answer has begun, less than this is not sent on its own while more is coming: a
     * reader that keeps up with a fill would otherwise be woken, and send, every few kilobytes.
     */
    private static final long MIN_WRITE = 256 * 1024;

    /** Where the answer stands; read and moved on the client's loop only. */
    private enum State {
        /** Waiting for the fill to start: the blob's size is not known yet. */
        STARTING,
        /** An empty answer has no last byte to hold back, so its head waits for the digest check. */
        AWAITING_VERIFICATION,
        /** The head is out; the body goes out as the fill lands, and no write is in flight. */
        SENDING,
        /** A write of the body is in flight; its completion pumps again. */
        WRITING,
        /** The answer ended, was refused, was cut or was handed to the store: nothing more is sent. */
        DONE;

        boolean canMoveTo(State next) {
            return switch (this) {
                case STARTING -> next == AWAITING_VERIFICATION || next == SENDING || next == DONE;
                case AWAITING_VERIFICATION -> next == SENDING || next == DONE;
                case SENDING -> next == WRITING || next == DONE;
                case WRITING -> next == SENDING || next == DONE;
                case DONE -> false;
            };
        }
    }

    /** A wake-up is queued on the client's loop: the fill's thread queues one at a time. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The fill's landed mark worth waking this reader for; written on the client's loop, read by the fill's thread. */
    private volatile long wakeAt;
    private State state = State.STARTING;
    private boolean sentAny;
    private SharedFile file;
    private long position;
    /** Exclusive end of the answer's bytes; -1 while the size is unknown (chunked answer). */
    private long end;

    /** @param servedFromStore answers again from the store when the fill finished before this reader could join it */
    FillFollower(Exchange exchange, Fill fill, ByteRange range, Target target, Runnable servedFromStore) {
        this.exchange = exchange;
        this.fill = fill;
        this.range = range;
        this.target = target;
        this.servedFromStore = servedFromStore;
    }

    void start() {
        fill.started().whenComplete((started, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(UpstreamFailures.toRegistryException(failure, ErrorCode.BLOB_UNKNOWN, target,
                        "blob " + fill.digest()));
            } else {
                begin();
            }
        }));
    }

    private void begin() {
        long size = fill.size();
        long[] selected = null;
        if (size >= 0 && range != null) {
            selected = range.resolve(size);
            if (selected == null) {
                moveTo(State.DONE);
                exchange.sendError(BlobHeaders.unsatisfiable(size));
                return;
            }
        }
        if (size == 0 && !fill.isComplete() && !exchange.isHead()) {
            moveTo(State.AWAITING_VERIFICATION);
            fill.addListener(this);
            run();
            return;
        }
        file = fill.retainFile();
        if (file == null) {
            moveTo(State.DONE);
            servedFromStore.run();
            return;
        }
        exchange.write(BlobHeaders.head(exchange, fill.digest(), size, selected));
        if (exchange.isHead()) {
            finish(true);
            return;
        }
        position = selected == null ? 0 : selected[0];
        end = selected == null ? size : selected[1] + 1;
        moveTo(State.SENDING);
        fill.addListener(this);
        exchange.channel().closeFuture().addListener((ChannelFutureListener) f -> exchange.onLoop(() -> finish(false)));
        pump();
    }

    /** Called by the fill (on its writer's thread) when it made progress. */
    @Override
    public void run() {
        if (fill.landed() < wakeAt && !fill.isComplete() && !fill.isFailed()) {
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            exchange.onLoop(() -> {
                scheduled.set(false);
                pump();
            });
        }
    }

    private void pump() {
        if (state == State.AWAITING_VERIFICATION) {
            if (fill.isComplete() || fill.isFailed()) {
                fill.removeListener(this);
                if (fill.isComplete()) {
                    begin();
                } else {
                    moveTo(State.DONE);
                    exchange.sendError(UpstreamFailures.toRegistryException(fill.failure(), ErrorCode.BLOB_UNKNOWN, target,
                            "blob " + fill.digest()));
                }
            }
            return;
        }
        if (state != State.SENDING) {
            return;
        }
        if (fill.isFailed()) {
            exchange.abort();
            finish(false);
            return;
        }
        boolean complete = fill.isComplete();
        long answerEnd = end >= 0 ? end : (complete ? fill.size() : Long.MAX_VALUE);
        // The last byte waits for the digest check: a body cut short is the only way to say "wrong".
        long limit = complete ? answerEnd : Math.min(fill.landed(), answerEnd - 1);
        if (position < limit && (complete || !sentAny || limit - position >= MIN_WRITE || limit == answerEnd - 1)) {
            long count = limit - position;
            moveTo(State.WRITING);
            sentAny = true;
            // The write's completion pumps again; progress meanwhile need not wake this reader.
            wakeAt = Long.MAX_VALUE;
            exchange.write(slice(count)).addListener((ChannelFutureListener) f -> {
                if (state == State.WRITING) {
                    moveTo(State.SENDING);
                }
                if (f.isSuccess()) {
                    position += count;
                    exchange.sent(count);
                    pump();
                } else {
                    finish(false);
                }
            });
        } else if (complete && position >= answerEnd) {
            finish(true);
        } else {
            long next = Math.min(position + MIN_WRITE, answerEnd - 1);
            // With all but the last byte sent, only the fill's end is worth waking for.
            wakeAt = next > position ? next : Long.MAX_VALUE;
            run();
        }
    }

    private void moveTo(State next) {
        assert state.canMoveTo(next) : state + " -> " + next;
        state = next;
    }

    /** The next {@code count} bytes of the file; each holds its own reference to it. */
    private Object slice(long count) {
        return FileBody.ofShared(exchange.channel(), file.channel(), file, position, count);
    }

    private void finish(boolean answered) {
        if (state == State.DONE) {
            return;
        }
        moveTo(State.DONE);
        fill.removeListener(this);
        if (file != null) {
            file.release();
        }
        if (answered) {
            exchange.end();
        }
    }
}
