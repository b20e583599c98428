package io.aicache.upstream;

import java.util.Optional;

/** Upstream answered, but not with what was asked for (404, 401, 429, 5xx...). */
public final class UpstreamStatusException extends UpstreamException {

    private final int status;
    private final UpstreamHeaders headers;

    public UpstreamStatusException(String registry, int status, UpstreamHeaders headers) {
        super("upstream " + registry + " answered " + status);
        this.status = status;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public Optional<String> retryAfter() {
        return headers.firstValue("Retry-After");
    }
}
