package io.aicache.proxy.testsupport;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request a {@link FaultyUpstream} received.
 *
 * @param path    the raw path, such as {@code /v2/org/app/blobs/sha256:...}
 * @param query   the raw query, or {@code null}
 * @param headers every header, names lower-cased
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers) {

    private static final Pattern RANGE_START = Pattern.compile("\\s*bytes=(\\d+)-(\\d*)\\s*");

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** Every value of header {@code name}. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    public Optional<String> header(String name) {
        return headerValues(name).stream().findFirst();
    }

    /** The first byte a {@code Range: bytes=N-...} asks for; empty without such a header. */
    public OptionalLong rangeStart() {
        Optional<String> range = header("Range");
        if (range.isEmpty()) {
            return OptionalLong.empty();
        }
        Matcher m = RANGE_START.matcher(range.get());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Selects requests with this method. */
    public static Predicate<RecordedRequest> method(String method) {
        return request -> request.method().equals(method);
    }

    /** Selects requests whose {@code Range} starts at {@code offset}. */
    public static Predicate<RecordedRequest> rangeStartsAt(long offset) {
        return request -> request.rangeStart().orElse(-1) == offset;
    }

    /** Selects requests whose {@code Range} starts at a multiple of {@code unit}: the first request for each chunk of a fill. */
    public static Predicate<RecordedRequest> rangeStartsAtMultipleOf(long unit) {
        return request -> request.rangeStart().stream().anyMatch(start -> start % unit == 0);
    }
}
