package io.aicache.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What aicache answers a refusal with: the OCI distribution spec's error code that goes in the
 * JSON body ({@link #wireCode()}) and the one status that goes with it. The spec's codes come
 * first; after them, situations the spec has no code of its own for, which reuse one of the
 * spec's codes on the wire (unchanged for clients) with the status the situation calls for.
 */
public enum ErrorCode {
    BLOB_UNKNOWN(HttpResponseStatus.NOT_FOUND),
    MANIFEST_UNKNOWN(HttpResponseStatus.NOT_FOUND),
    NAME_UNKNOWN(HttpResponseStatus.NOT_FOUND),
    NAME_INVALID(HttpResponseStatus.BAD_REQUEST),
    DIGEST_INVALID(HttpResponseStatus.BAD_REQUEST),
    TAG_INVALID(HttpResponseStatus.BAD_REQUEST),
    MANIFEST_INVALID(HttpResponseStatus.BAD_GATEWAY),
    /** A range that the blob cannot satisfy. */
    RANGE_INVALID(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE),
    UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED),
    DENIED(HttpResponseStatus.FORBIDDEN),
    /** A method a read-only mirror does not take; answered with {@code Allow: GET, HEAD}. */
    UNSUPPORTED(HttpResponseStatus.METHOD_NOT_ALLOWED),
    TOOMANYREQUESTS(HttpResponseStatus.TOO_MANY_REQUESTS),
    UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE),
    /** Upstream failed or answered something aicache cannot pass on. */
    UNKNOWN(HttpResponseStatus.BAD_GATEWAY),

    /** No endpoint at the request's path. */
    ROUTE_UNKNOWN("UNSUPPORTED", HttpResponseStatus.NOT_FOUND),
    /** A request aicache cannot read: a malformed request line, target, query or body. */
    REQUEST_INVALID("UNSUPPORTED", HttpResponseStatus.BAD_REQUEST),
    /** A request in an HTTP version aicache does not speak (it speaks 1.0, 1.1 and 2). */
    VERSION_UNSUPPORTED("UNSUPPORTED", HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED),
    /** A request body larger than a read-only mirror takes. */
    REQUEST_TOO_LARGE("UNSUPPORTED", HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
    /** A Range header that is not of a form aicache reads. */
    RANGE_MALFORMED("RANGE_INVALID", HttpResponseStatus.BAD_REQUEST),
    /** Something is in a state that forbids the request now, such as a blob being sent. */
    CONFLICT("DENIED", HttpResponseStatus.CONFLICT),
    /** aicache itself failed. */
    INTERNAL("UNKNOWN", HttpResponseStatus.INTERNAL_SERVER_ERROR);

    private final String wireCode;
    private final HttpResponseStatus status;

    ErrorCode(HttpResponseStatus status) {
        this.wireCode = name();
        this.status = status;
    }

    ErrorCode(String wireCode, HttpResponseStatus status) {
        this.wireCode = wireCode;
        this.status = status;
    }

    /** The spec's code string, as it goes in the JSON error body. */
    public String wireCode() {
        return wireCode;
    }

    public HttpResponseStatus status() {
        return status;
    }
}
