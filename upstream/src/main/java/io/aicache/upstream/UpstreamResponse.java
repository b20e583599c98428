package io.aicache.upstream;

import java.util.Optional;
import java.util.OptionalLong;

/** Upstream's answer: status, headers and a body of the kind the caller asked for. */
public record UpstreamResponse<T>(int status, UpstreamHeaders headers, T body) {

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
