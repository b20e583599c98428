package io.aicache.proxy.http;

import java.util.Map;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request cannot be answered with content; carries what the client is told: the error code
 * (and with it the status), a message, and headers such as {@code Retry-After}.
 */
public final class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, String> headers;

    public RegistryException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public RegistryException(ErrorCode code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public HttpResponseStatus status() {
        return code.status();
    }

    public Map<String, String> headers() {
        return headers;
    }
}
