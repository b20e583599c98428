package io.aicache.upstream;

import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.OptionalLong;

/** Upstream's answer: status, headers and a body of the kind the caller asked for. */
public record UpstreamResponse<T>(int status, UpstreamHeaders headers, T body) {

    /** The JDK client's answer in this module's terms. */
    static <T> UpstreamResponse<T> of(HttpResponse<T> response) {
        return new UpstreamResponse<>(response.statusCode(), UpstreamHeaders.of(response.headers().map()), response.body());
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The declared body length, when upstream gave a valid one. */
    public OptionalLong contentLength() {
        OptionalLong length = headers.firstValueAsLong("Content-Length");
        return length.isPresent() && length.getAsLong() >= 0 ? length : OptionalLong.empty();
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
