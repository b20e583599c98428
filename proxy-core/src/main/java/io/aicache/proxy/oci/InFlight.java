package io.aicache.proxy.oci;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.aicache.proxy.http.UpstreamFailureTranslator;

/**
 * Upstream work shared by everyone who asks for the same thing while it runs: the first caller
 * for a key starts it, later callers get the same result, and the key is free again once it ends.
 */
public final class InFlight<V> {

    private final Map<String, CompletableFuture<V>> running = new ConcurrentHashMap<>();

    /** The result of the work under way for {@code key}, or of new work started with {@code start}. */
    public CompletableFuture<V> join(String key, Supplier<CompletableFuture<V>> start) {
        CompletableFuture<V> created = new CompletableFuture<>();
        CompletableFuture<V> result = running.putIfAbsent(key, created);
        if (result != null) {
            return result;
        }
        CompletableFuture<V> work;
        try {
            work = start.get();
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e);
        }
        work.whenComplete((value, failure) -> {
            running.remove(key, created);
            if (failure != null) {
                created.completeExceptionally(UpstreamFailureTranslator.unwrap(failure));
            } else {
                created.complete(value);
            }
        });
        return created;
    }
}
