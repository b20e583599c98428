package io.aicache.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The OCI distribution spec's error codes, each with the status aicache answers it with. */
public enum ErrorCode {
    BLOB_UNKNOWN(HttpResponseStatus.NOT_FOUND),
    MANIFEST_UNKNOWN(HttpResponseStatus.NOT_FOUND),
    NAME_UNKNOWN(HttpResponseStatus.NOT_FOUND),
    NAME_INVALID(HttpResponseStatus.BAD_REQUEST),
    DIGEST_INVALID(HttpResponseStatus.BAD_REQUEST),
    TAG_INVALID(HttpResponseStatus.BAD_REQUEST),
    MANIFEST_INVALID(HttpResponseStatus.BAD_GATEWAY),
    RANGE_INVALID(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE),
    UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED),
    DENIED(HttpResponseStatus.FORBIDDEN),
    UNSUPPORTED(HttpResponseStatus.METHOD_NOT_ALLOWED),
    TOOMANYREQUESTS(HttpResponseStatus.TOO_MANY_REQUESTS),
    UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE),
    UNKNOWN(HttpResponseStatus.BAD_GATEWAY);

    private final HttpResponseStatus status;

    ErrorCode(HttpResponseStatus status) {
        this.status = status;
    }

    public HttpResponseStatus status() {
        return status;
    }
}
