package io.aicache.proxy.oci;

import java.util.Map;

import io.aicache.model.Digest;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The head of a blob answer: whole (200) or one range (206), with the headers the spec asks for. */
final class BlobHeaders {

    static final String CONTENT_TYPE = "application/octet-stream";

    private BlobHeaders() {
    }

    /** The 416 for a range that selects nothing of a blob of {@code size} bytes. */
    static RegistryException unsatisfiable(long size) {
        return new RegistryException(ErrorCode.RANGE_INVALID,
                "the requested range is outside the blob's " + size + " bytes", Map.of("Content-Range", "bytes */" + size));
    }

    /** @param range inclusive {@code [start, end]}, or {@code null} for the whole blob */
    static HttpResponse head(Exchange exchange, Digest digest, long size, long[] range) {
        HttpResponse response = exchange.newResponse(range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .set("Docker-Content-Digest", digest.toString())
                .set(HttpHeaderNames.ETAG, "\"" + digest + "\"")
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (size < 0) {
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (range == null) {
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
        } else {
            response.headers()
                    .set(HttpHeaderNames.CONTENT_LENGTH, range[1] - range[0] + 1)
                    .set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
        }
        return response;
    }
}
