package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;

/**
 * A classic chart repository on loopback for in-process tests (the JDK's HTTP server): it
 * serves the files a test puts at paths, answers {@code If-None-Match} with 304 when the
 * file's {@code ETag} matches, can require Basic credentials, can be made to answer 503, and
 * records every request (method, path, {@code If-None-Match}, {@code Authorization}).
 */
public final class ChartRepositoryServer implements AutoCloseable {

    /** One request as the server saw it; absent headers are {@code null}. */
    public record Request(String method, String path, String ifNoneMatch, String authorization) {
    }

    private final LoopbackHttpServer server = new LoopbackHttpServer("chart-repository");
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String requiredAuthorization;
    private volatile boolean failing;

    private ChartRepositoryServer() {
        server.serve(this::handle);
    }

    public static ChartRepositoryServer start() {
        return new ChartRepositoryServer();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** Serves {@code bytes} at {@code path} (starting with {@code /}), replacing what was there. */
    public void put(String path, byte[] bytes) {
        files.put(path, bytes);
    }

    /** Answers every request with 401 unless it carries {@code Authorization: <value>}. */
    public void requireAuthorization(String value) {
        requiredAuthorization = value;
    }

    /** While true, every request is answered with 503. */
    public void failing(boolean on) {
        failing = on;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** GETs of {@code path} answered so far. */
    public long gets(String path) {
        return requests.stream().filter(r -> r.method().equals("GET") && r.path().equals(path)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(exchange.getRequestMethod(), path, ifNoneMatch, authorization));
        byte[] file = files.get(path);
        if (failing) {
            answer(exchange, 503, "unavailable".getBytes(StandardCharsets.US_ASCII));
        } else if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"charts\"");
            answer(exchange, 401, "unauthorized".getBytes(StandardCharsets.US_ASCII));
        } else if (file == null) {
            answer(exchange, 404, "not found".getBytes(StandardCharsets.US_ASCII));
        } else {
            String etag = "\"" + TestBlobs.hexOf(TestBlobs.digestOf(file)) + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            if (etag.equals(ifNoneMatch)) {
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
            } else {
                answer(exchange, 200, file);
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.close();
    }
}
