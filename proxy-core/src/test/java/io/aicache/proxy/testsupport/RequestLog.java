package io.aicache.proxy.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;

/**
 * What a {@link FaultyUpstream} was asked, counted per method and path, and how many body
 * bytes it sent back; safe for concurrent requests.
 */
final class RequestLog {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bodyBytes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();

    RecordedRequest record(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers);
        requests.add(request);
        counts.computeIfAbsent(key(request.method(), request.path()), k -> new AtomicInteger()).incrementAndGet();
        return request;
    }

    /** Counts {@code bytes} of body written in answer to {@code request}. */
    void sent(RecordedRequest request, long bytes) {
        bodyBytes.computeIfAbsent(key(request.method(), request.path()), k -> new AtomicLong()).addAndGet(bytes);
    }

    int count(String method, String path) {
        AtomicInteger count = counts.get(key(method, path));
        return count == null ? 0 : count.get();
    }

    /** Body bytes written in answer to requests with this method and path. */
    long bytesSent(String method, String path) {
        AtomicLong bytes = bodyBytes.get(key(method, path));
        return bytes == null ? 0 : bytes.get();
    }

    /** Every request so far, in arrival order. */
    List<RecordedRequest> all() {
        return List.copyOf(requests);
    }

    private static String key(String method, String path) {
        return method + " " + path;
    }
}
