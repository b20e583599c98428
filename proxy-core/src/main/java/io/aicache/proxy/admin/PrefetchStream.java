package io.aicache.proxy.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aicache.model.Digest;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.prefetch.ImageReference;
import io.aicache.proxy.prefetch.PrefetchProgress;
import io.aicache.proxy.prefetch.Prefetcher;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Prefetches images one after the other and streams how it goes as JSON lines
 * ({@code application/x-ndjson}): {@code resolved}, {@code progress} (at most a few a second
 * per blob), {@code blob}, {@code failed}, {@code report} or {@code error} per image, and one
 * {@code done} at the end. A client that goes away does not stop the prefetch.
 */
final class PrefetchStream {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Exchange exchange;
    private final Prefetcher prefetcher;
    private final List<String> platforms;
    private final AtomicInteger failedImages = new AtomicInteger();

    private PrefetchStream(Exchange exchange, Prefetcher prefetcher, List<String> platforms) {
        this.exchange = exchange;
        this.prefetcher = prefetcher;
        this.platforms = platforms;
    }

    static void start(Exchange exchange, Prefetcher prefetcher, List<String> images, List<String> platforms) {
        PrefetchStream stream = new PrefetchStream(exchange, prefetcher, platforms);
        HttpResponse head = exchange.newResponse(HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        HttpUtil.setTransferEncodingChunked(head, true);
        exchange.write(head);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String image : images) {
            chain = chain.thenCompose(ignored -> stream.prefetchOne(image));
        }
        chain.whenComplete((ignored, failure) -> {
            stream.emit(JSON.createObjectNode().put("event", "done").put("images", images.size())
                    .put("failed", stream.failedImages.get()));
            exchange.onLoop(exchange::end);
        });
    }

    private CompletableFuture<Void> prefetchOne(String image) {
        return prefetcher.prefetch(image, platforms, new Events(image)).handle((report, failure) -> {
            if (failure != null) {
                failedImages.incrementAndGet();
                emit(event("error", image).put("error", UpstreamFailureTranslator.unwrap(failure).getMessage()));
            } else {
                if (!report.succeeded()) {
                    failedImages.incrementAndGet();
                }
                ObjectNode line = event("report", image);
                line.set("report", JSON.valueToTree(report));
                emit(line);
            }
            return null;
        });
    }

    private static ObjectNode event(String kind, String image) {
        return JSON.createObjectNode().put("event", kind).put("image", image);
    }

    private void emit(ObjectNode line) {
        byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.onLoop(() -> {
            if (!exchange.isFinished()) {
                exchange.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
                exchange.sent(bytes.length);
            }
        });
    }

    /** One image's progress, as lines of the stream. */
    private final class Events implements PrefetchProgress {
        private final String image;
        private final Map<Digest, Long> lastProgress = new ConcurrentHashMap<>();

        Events(String image) {
            this.image = image;
        }

        @Override
        public void resolved(ImageReference reference, Digest digest, int blobs, long bytes) {
            emit(event("resolved", image).put("name", reference.toString()).put("digest", digest.toString())
                    .put("blobs", blobs).put("bytes", bytes));
        }

        @Override
        public void blobLanded(Digest digest, long landed, long size) {
            long now = System.nanoTime();
            Long last = lastProgress.get(digest);
            if (last != null && now - last < PROGRESS_EVERY_NANOS) {
                return;
            }
            lastProgress.put(digest, now);
            emit(event("progress", image).put("digest", digest.toString()).put("landed", landed).put("size", size));
        }

        @Override
        public void blobDone(Digest digest, long size, boolean fetched) {
            emit(event("blob", image).put("digest", digest.toString()).put("size", size).put("fetched", fetched));
        }

        @Override
        public void blobFailed(Digest digest, long size, Throwable failure) {
            emit(event("failed", image).put("digest", digest.toString()).put("size", size)
                    .put("error", failure.getMessage()));
        }
    }
}
