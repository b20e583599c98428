package io.aicache.proxy.http;

import java.util.Map;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request cannot be answered with content; carries what the client is told: the status,
 * the spec's error code, a message, and headers such as {@code Retry-After}.
 */
public final class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final HttpResponseStatus status;
    private final Map<String, String> headers;

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message, Map.of());
    }

    public RegistryException(ErrorCode code, HttpResponseStatus status, String message) {
        this(code, status, message, Map.of());
    }

    public RegistryException(ErrorCode code, HttpResponseStatus status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
