package io.aicache.proxy.fill;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Caps the range GETs open at once to one upstream host, across all fills, without blocking
 * a thread: a request waits for a permit as a future.
 */
final class HostPermits {

    private final int perHost;
    private final Executor executor;
    private final Map<String, Host> hosts = new ConcurrentHashMap<>();

    HostPermits(int perHost, Executor executor) {
        this.perHost = perHost;
        this.executor = executor;
    }

    CompletableFuture<Void> acquire(String host) {
        return hosts.computeIfAbsent(host, h -> new Host()).acquire();
    }

    void release(String host) {
        hosts.get(host).release();
    }

    private final class Host {
        private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
        private int inUse;

        synchronized CompletableFuture<Void> acquire() {
            if (inUse < perHost) {
                inUse++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> turn = new CompletableFuture<>();
            waiting.add(turn);
            return turn;
        }

        void release() {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    inUse--;
                    return;
                }
            }
            // The permit passes straight to the next waiter, which starts on another thread's stack.
            executor.execute(() -> next.complete(null));
        }
    }
}
