package io.aicache.proxy.connect;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

import io.aicache.proxy.http.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * Streams a body from the JDK's HTTP client to the exchange's client, asking for the next
 * piece only when the last one is written: memory holds one piece, whatever the body's size.
 * A body that breaks off closes the client's connection, so it is never taken as whole.
 */
final class BodyRelay implements Flow.Subscriber<List<ByteBuffer>> {

    private final Exchange exchange;
    private Flow.Subscription subscription;

    BodyRelay(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        // A copy: the client's buffers are its own once this returns.
        ByteBuf content = Unpooled.copiedBuffer(buffers.toArray(ByteBuffer[]::new));
        int bytes = content.readableBytes();
        exchange.onLoop(() -> exchange.write(new DefaultHttpContent(content)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                exchange.sent(bytes);
                subscription.request(1);
            } else {
                subscription.cancel();
            }
        }));
    }

    @Override
    public void onError(Throwable failure) {
        exchange.onLoop(exchange::abort);
    }

    @Override
    public void onComplete() {
        exchange.onLoop(exchange::end);
    }
}
