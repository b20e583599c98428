package io.aicache.proxy.testsupport;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request a {@link FaultyUpstream} received.
 *
 * @param path    the raw path, such as {@code /v2/org/app/blobs/sha256:...}
 * @param query   the raw query, or {@code null}
 * @param headers every header, names lower-cased
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers) {

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
}
