package io.aicache.proxy.oci;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.upstream.BodyTooLargeException;
import io.aicache.upstream.UpstreamStatusException;

/** Turns what went wrong upstream into the answer the client gets. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** @param unknown the code for "not there" ({@code BLOB_UNKNOWN} or {@code MANIFEST_UNKNOWN}) */
    static RegistryException toRegistryException(Throwable failure, ErrorCode unknown, Target target, String what) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RegistryException registryException) {
            return registryException;
        }
        if (cause instanceof UpstreamStatusException status) {
            return fromStatus(status, unknown, target, what);
        }
        if (cause instanceof BodyTooLargeException) {
            // Upstream answered, with something aicache will not take: a bad gateway, not an unavailable one.
            return new RegistryException(ErrorCode.UNKNOWN, "upstream " + target.registryName() + "'s answer for "
                    + what + " is too large: " + cause.getMessage());
        }
        String reason = cause instanceof HttpTimeoutException ? "timed out"
                : cause instanceof ConnectException ? "cannot be reached"
                : "failed: " + cause.getMessage();
        return new RegistryException(ErrorCode.UNAVAILABLE, "upstream " + target.registryName() + " " + reason
                + " while fetching " + what);
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static RegistryException fromStatus(UpstreamStatusException e, ErrorCode unknown, Target target, String what) {
        String where = what + " in " + target.registryName() + "/" + target.repository();
        return switch (e.status()) {
            case 404 -> new RegistryException(unknown, "upstream has no " + where);
            case 401 -> new RegistryException(ErrorCode.UNAUTHORIZED,
                    "upstream " + target.registryName() + " refused aicache's credentials for " + where);
            case 403 -> new RegistryException(ErrorCode.DENIED, "upstream " + target.registryName() + " denied access to " + where);
            case 429 -> new RegistryException(ErrorCode.TOOMANYREQUESTS,
                    "upstream " + target.registryName() + " is rate-limiting requests for " + where,
                    e.retryAfter().map(value -> Map.of("Retry-After", value)).orElse(Map.of()));
            default -> e.status() >= 500
                    ? new RegistryException(ErrorCode.UNAVAILABLE, "upstream " + target.registryName() + " answered "
                            + e.status() + " for " + where)
                    : new RegistryException(ErrorCode.UNKNOWN, "upstream " + target.registryName() + " answered "
                            + e.status() + " for " + where);
        };
    }
}
