package io.aicache.upstream;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/** Takes an answer's body nobody will read and cancels it, so its connection is let go. */
public enum DiscardedBody implements Flow.Subscriber<List<ByteBuffer>> {
    INSTANCE;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
    }

    @Override
    public void onError(Throwable throwable) {
    }

    @Override
    public void onComplete() {
    }
}
