package io.aicache.upstream;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a body whole, up to {@code limit} bytes: one byte more cancels the transfer and fails
 * with {@link BodyTooLargeException}, so a body of undeclared length cannot fill the heap.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final List<ByteBuffer> parts = new ArrayList<>();
    private long received;
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
        this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            received += item.remaining();
            parts.add(item);
        }
        if (received > limit) {
            parts.clear();
            subscription.cancel();
            result.completeExceptionally(new BodyTooLargeException(limit));
        }
    }

    @Override
    public void onError(Throwable failure) {
        parts.clear();
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        byte[] body = new byte[(int) received];
        int at = 0;
        for (ByteBuffer part : parts) {
            int length = part.remaining();
            part.get(body, at, length);
            at += length;
        }
        parts.clear();
        result.complete(body);
    }
}
