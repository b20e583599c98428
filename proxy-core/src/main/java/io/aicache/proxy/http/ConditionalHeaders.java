package io.aicache.proxy.http;

import java.util.HashMap;
import java.util.Map;

/** What revalidates a kept answer upstream: its {@code ETag} and {@code Last-Modified}, as request headers. */
public final class ConditionalHeaders {

    private ConditionalHeaders() {
    }

    /** {@code If-None-Match} and {@code If-Modified-Since} for what is known; empty values are left out. */
    public static Map<String, String> of(String etag, String lastModified) {
        Map<String, String> headers = new HashMap<>();
        if (!etag.isEmpty()) {
            headers.put("If-None-Match", etag);
        }
        if (!lastModified.isEmpty()) {
            headers.put("If-Modified-Since", lastModified);
        }
        return headers;
    }
}
