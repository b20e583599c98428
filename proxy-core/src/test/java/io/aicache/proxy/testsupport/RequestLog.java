package io.aicache.proxy.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;

/** What a {@link FaultyUpstream} was asked, counted per method and path; safe for concurrent requests. */
final class RequestLog {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();

    void record(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers);
        requests.add(request);
        counts.computeIfAbsent(key(request.method(), request.path()), k -> new AtomicInteger()).incrementAndGet();
    }

    int count(String method, String path) {
        AtomicInteger count = counts.get(key(method, path));
        return count == null ? 0 : count.get();
    }

    /** Every request so far, in arrival order. */
    List<RecordedRequest> all() {
        return List.copyOf(requests);
    }

    private static String key(String method, String path) {
        return method + " " + path;
    }
}
