package io.aicache.proxy.http;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.aicache.upstream.BodyTooLargeException;
import io.aicache.upstream.UpstreamDownException;
import io.aicache.upstream.UpstreamStatusException;

/**
 * Turns what went wrong fetching one thing from an upstream (a blob, a manifest, a chart
 * repository's index) into the answer the client gets. Registries and chart repositories fail
 * alike; what differs is passed in: the code for "not there", the words naming the upstream
 * and the thing, and the configuration key that bounds a body's size.
 */
public final class UpstreamFailureTranslator {

    private final ErrorCode notThere;
    private final String upstream;
    private final String what;
    private final String where;
    private final String sizeLimitKey;

    /**
     * @param notThere     the code for an upstream 404 or 410 ({@code BLOB_UNKNOWN}, {@code MANIFEST_UNKNOWN}...)
     * @param upstream     the upstream as a message names it: "upstream ghcr.io"
     * @param what         the thing fetched: "blob sha256:..."
     * @param where        the thing and where it is: "blob sha256:... in ghcr.io/library/alpine"
     * @param sizeLimitKey the configuration key that bounds the body's size, or null when none is worth naming
     */
    public UpstreamFailureTranslator(ErrorCode notThere, String upstream, String what, String where, String sizeLimitKey) {
        this.notThere = notThere;
        this.upstream = upstream;
        this.what = what;
        this.where = where;
        this.sizeLimitKey = sizeLimitKey;
    }

    /** The failure inside the {@code CompletionException}s a future chain wraps it in. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    public RegistryException toRegistryException(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RegistryException registryException) {
            return registryException;
        }
        for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
            if (inner instanceof BodyTooLargeException) {
                // Upstream answered, with something aicache will not take: a bad gateway, not an unavailable one.
                return new RegistryException(ErrorCode.UNKNOWN, upstream + "'s answer for " + what
                        + " is larger than aicache accepts" + (sizeLimitKey == null ? "" : " (" + sizeLimitKey + ")")
                        + ": " + inner.getMessage());
            }
        }
        if (cause instanceof UpstreamStatusException status) {
            return fromStatus(status);
        }
        String reason = cause instanceof HttpTimeoutException ? "timed out"
                : cause instanceof ConnectException ? "cannot be reached"
                : cause instanceof UpstreamDownException ? "is marked down after repeated failures, or aicache is offline"
                : "failed: " + cause.getMessage();
        return new RegistryException(ErrorCode.UNAVAILABLE, upstream + " " + reason + " while fetching " + what);
    }

    private RegistryException fromStatus(UpstreamStatusException e) {
        return switch (e.status()) {
            case 404, 410 -> new RegistryException(notThere, "upstream has no " + where);
            case 401 -> new RegistryException(ErrorCode.UNAUTHORIZED,
                    upstream + " refused aicache's credentials for " + where);
            case 403 -> new RegistryException(ErrorCode.DENIED, upstream + " denied access to " + where);
            case 429 -> new RegistryException(ErrorCode.TOOMANYREQUESTS,
                    upstream + " is rate-limiting requests for " + where,
                    e.retryAfter().map(value -> Map.of("Retry-After", value)).orElse(Map.of()));
            default -> new RegistryException(e.status() >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.UNKNOWN,
                    upstream + " answered " + e.status() + " for " + where);
        };
    }
}
