package io.aicache.proxy.server;

import java.util.ArrayDeque;
import java.util.Queue;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds back a pipelined request until the answer to the one before it is fully written, so
 * answers never interleave on an HTTP/1.1 connection. Answers are streamed and finish out of
 * the event loop's call stack, so the codec alone cannot keep them in order.
 */
final class OneRequestAtATime extends ChannelDuplexHandler {

    /** Clients that pipeline send a few requests ahead; more than this is not a client to serve. */
    private static final int MAX_WAITING = 16;

    private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!answering) {
            answering = true;
            ctx.fireChannelRead(request);
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(request);
        } else {
            ReferenceCountUtil.release(request);
            ctx.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean last = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (last) {
            answering = false;
            FullHttpRequest next = waiting.poll();
            if (next != null) {
                answering = true;
                // Not from inside this write: the next answer starts after this one's stack unwinds.
                ctx.executor().execute(() -> ctx.fireChannelRead(next));
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            ReferenceCountUtil.release(request);
        }
        ctx.fireChannelInactive();
    }
}
