package io.aicache.proxy.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls for a state that settles asynchronously, within a bounded deadline. */
public final class Eventually {

    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails with {@code description} after {@link #DEADLINE}. */
    public static void until(String description, BooleanSupplier condition) {
        until(() -> description, condition);
    }

    public static void until(Supplier<String> description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + description.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + description.get(), e);
            }
        }
    }
}
