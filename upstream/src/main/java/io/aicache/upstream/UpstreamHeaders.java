package io.aicache.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The headers of an upstream answer, whichever client carried it: names case-insensitive, values in the
 * order upstream sent them. Immutable.
 */
public final class UpstreamHeaders {

    private static final UpstreamHeaders NONE = new UpstreamHeaders(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

    private final Map<String, List<String>> byName;

    private UpstreamHeaders(TreeMap<String, List<String>> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** No headers at all. */
    public static UpstreamHeaders none() {
        return NONE;
    }

    /** Headers from name and value pairs, as an HTTP codec hands them over. */
    static UpstreamHeaders of(Iterable<Map.Entry<String, String>> pairs) {
        TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> header : pairs) {
            map.computeIfAbsent(header.getKey(), name -> new ArrayList<>(1)).add(header.getValue());
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        return new UpstreamHeaders(map);
    }

    /** Headers from a map of names to values, as the JDK client hands them over. */
    public static UpstreamHeaders of(Map<String, List<String>> byName) {
        TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.forEach((name, values) -> map.merge(name, List.copyOf(values), (a, b) -> {
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            return List.copyOf(both);
        }));
        return new UpstreamHeaders(map);
    }

    public Optional<String> firstValue(String name) {
        List<String> values = byName.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public List<String> allValues(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** The first value as a number; empty when absent or not a number. */
    public OptionalLong firstValueAsLong(String name) {
        Optional<String> value = firstValue(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Every header, by name as upstream spelled it. */
    public Map<String, List<String>> map() {
        return byName;
    }

    @Override
    public String toString() {
        return byName.keySet().toString();
    }
}
