package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class LimitedBodyTest {

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void collectsABodyUpToTheLimit() throws Exception {
        LimitedBody body = new LimitedBody(10);
        body.onSubscribe(new Subscription());
        body.onNext(List.of(bytes("hello "), bytes("you")));
        body.onNext(List.of(bytes("!")));
        body.onComplete();

        assertArrayEquals("hello you!".getBytes(StandardCharsets.US_ASCII), body.getBody().toCompletableFuture().get());
    }

    @Test
    void cancelsTheTransferOneByteBeyondTheLimit() {
        LimitedBody body = new LimitedBody(10);
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        body.onNext(List.of(bytes("hello you!")));
        body.onNext(List.of(bytes("?")));
        body.onNext(List.of(bytes("more")));

        assertTrue(subscription.cancelled.get());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> body.getBody().toCompletableFuture().get());
        assertInstanceOf(BodyTooLargeException.class, failure.getCause());
    }

    private static final class Subscription implements Flow.Subscription {
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }
}
