package io.aicache.proxy.helm;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.oci.InFlight;
import io.aicache.upstream.BodyTooLargeException;
import io.aicache.upstream.UpstreamDownException;
import io.aicache.upstream.UpstreamStatusException;

/** Turns what went wrong with a chart repository upstream into the answer the client gets. */
final class HelmFailures {

    private HelmFailures() {
    }

    static RegistryException toRegistryException(Throwable failure, String repository, String what) {
        Throwable cause = InFlight.unwrap(failure);
        if (cause instanceof RegistryException registryException) {
            return registryException;
        }
        String where = what + " of chart repository " + repository;
        for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
            if (inner instanceof BodyTooLargeException) {
                return new RegistryException(ErrorCode.UNKNOWN, "upstream's " + where + " is larger than aicache accepts"
                        + " (helm.maxChartBytes): " + inner.getMessage());
            }
        }
        if (cause instanceof UpstreamStatusException status) {
            return switch (status.status()) {
                case 404, 410 -> new RegistryException(ErrorCode.BLOB_UNKNOWN, "upstream has no " + where);
                case 429 -> new RegistryException(ErrorCode.TOOMANYREQUESTS,
                        "upstream is rate-limiting requests for " + where,
                        status.retryAfter().map(value -> Map.of("Retry-After", value)).orElse(Map.of()));
                default -> status.status() >= 500
                        ? new RegistryException(ErrorCode.UNAVAILABLE, "upstream answered " + status.status() + " for " + where)
                        : new RegistryException(ErrorCode.UNKNOWN, "upstream answered " + status.status() + " for " + where);
            };
        }
        String reason = cause instanceof HttpTimeoutException ? "timed out"
                : cause instanceof ConnectException ? "cannot be reached"
                : cause instanceof UpstreamDownException ? "is marked down after repeated failures, or aicache is offline"
                : "failed: " + cause.getMessage();
        return new RegistryException(ErrorCode.UNAVAILABLE, "upstream " + reason + " while fetching " + where);
    }
}
