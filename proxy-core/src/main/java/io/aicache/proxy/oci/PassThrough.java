package io.aicache.proxy.oci;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Flow;

import io.aicache.model.Digest;
import io.aicache.model.Tier;
import io.aicache.proxy.http.ByteRange;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.upstream.DiscardedBody;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * A miss answered straight from upstream without keeping anything, for when the data
 * directory's disk is short of space: aicache keeps serving rather than failing the pull.
 * The whole blob is fetched and hashed (a range is cut out of it), and the answer's last byte
 * is held back until the digest matched, so a client never takes wrong bytes as whole.
 * Upstream's body is read one part at a time, the next only once the client took the last.
 */
final class PassThrough implements Flow.Subscriber<List<ByteBuffer>> {

    private final Exchange exchange;
    private final Target target;
    private final Digest digest;
    private final MessageDigest hasher;
    /** The answer's bytes within the blob, {@code [first, end)}; end is -1 when upstream gave no length. */
    private long first;
    private long end;
    private long size;
    private long received;
    /** The answer's last byte seen so far, held back until the digest matched. */
    private ByteBuf heldBack;
    /** Set on the upstream client's thread, cancelled from the event loop. */
    private volatile Flow.Subscription subscription;

    private PassThrough(Exchange exchange, Target target, Digest digest) {
        this.exchange = exchange;
        this.target = target;
        this.digest = digest;
        this.hasher = digest.newHasher();
    }

    /** Fetches {@code digest} from upstream and answers a GET of it (or of its range). */
    static void serve(Exchange exchange, Target target, Digest digest, ByteRange range) {
        exchange.tier(Tier.PASS_THROUGH);
        PassThrough answer = new PassThrough(exchange, target, digest);
        target.client().blob(target.repository(), digest).whenComplete((response, failure) -> exchange.onLoop(() -> {
            Throwable problem = failure;
            if (problem == null && !response.isSuccess()) {
                problem = new UpstreamStatusException(target.registryName(), response.status(), response.headers());
            }
            if (problem != null) {
                exchange.sendError(UpstreamFailures.toRegistryException(problem, ErrorCode.BLOB_UNKNOWN, target,
                        "blob " + digest));
                return;
            }
            answer.begin(response, range);
        }));
    }

    private void begin(UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> response, ByteRange range) {
        size = response.contentLength().orElse(-1);
        long[] selected = size >= 0 && range != null ? range.resolve(size) : null;
        if (size >= 0 && range != null && selected == null) {
            response.body().subscribe(DiscardedBody.INSTANCE);
            exchange.sendError(BlobHeaders.unsatisfiable(size));
            return;
        }
        exchange.write(BlobHeaders.head(exchange, digest, size, selected));
        first = selected == null ? 0 : selected[0];
        end = selected == null ? size : selected[1] + 1;
        // A client that goes away stops the transfer and lets go of the byte held back.
        exchange.channel().closeFuture().addListener((ChannelFutureListener) f -> exchange.onLoop(() -> {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
            fail();
        }));
        response.body().subscribe(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (exchange.channel().isActive()) {
            subscription.request(1);
        } else {
            subscription.cancel();
        }
    }

    /** On the upstream client's thread: hash, then hand the answer's part to the event loop. */
    @Override
    public void onNext(List<ByteBuffer> buffers) {
        ByteBuf part = Unpooled.buffer();
        for (ByteBuffer buffer : buffers) {
            long at = received;
            int length = buffer.remaining();
            hasher.update(buffer.duplicate());
            received += length;
            long from = Math.max(at, first);
            long to = end < 0 ? received : Math.min(received, end);
            if (from < to) {
                ByteBuffer slice = buffer.duplicate();
                slice.position(buffer.position() + (int) (from - at)).limit(buffer.position() + (int) (to - at));
                part.writeBytes(slice);
            }
        }
        exchange.onLoop(() -> send(part));
    }

    /** Sends all but the last byte seen so far, then asks upstream for more once the client took it. */
    private void send(ByteBuf part) {
        if (exchange.isFinished()) {
            part.release();
            return;
        }
        if (!part.isReadable()) {
            // Past the range: upstream's rest is still read, for the digest.
            part.release();
            subscription.request(1);
            return;
        }
        ByteBuf out = heldBack == null ? part : Unpooled.wrappedBuffer(heldBack, part);
        heldBack = out.retainedSlice(out.writerIndex() - 1, 1);
        int count = out.readableBytes() - 1;
        exchange.write(new DefaultHttpContent(out.writerIndex(out.writerIndex() - 1))).addListener(
                (ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        exchange.sent(count);
                        subscription.request(1);
                    }
                });
    }

    @Override
    public void onError(Throwable failure) {
        exchange.onLoop(this::fail);
    }

    @Override
    public void onComplete() {
        boolean whole = size < 0 || received == size;
        boolean right = whole && digest.matches(hasher.digest());
        exchange.onLoop(() -> {
            if (!right || exchange.isFinished()) {
                fail();
                return;
            }
            if (heldBack != null) {
                exchange.write(new DefaultHttpContent(heldBack));
                exchange.sent(1);
                heldBack = null;
            }
            exchange.end();
        });
    }

    /** The body cannot be completed with the right bytes: the connection is closed mid-answer. */
    private void fail() {
        if (heldBack != null) {
            heldBack.release();
            heldBack = null;
        }
        if (!exchange.isFinished()) {
            exchange.abort();
        }
    }
}
