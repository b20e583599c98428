package io.aicache.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance for each of a few values many in-memory entries hold (media types, repositories),
 * so each entry holds a reference rather than a copy. Bounded: past {@code max} distinct values,
 * each is its own.
 */
final class SharedInstances<T> {

    private final Map<T, T> known = new ConcurrentHashMap<>();
    private final int max;

    SharedInstances(int max) {
        this.max = max;
    }

    /** The instance equal to {@code value} already shared, or {@code value} itself. */
    T shared(T value) {
        T existing = known.get(value);
        if (existing != null) {
            return existing;
        }
        if (known.size() < max) {
            T previous = known.putIfAbsent(value, value);
            return previous == null ? value : previous;
        }
        return value;
    }
}
