package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * Google's two token services as they are documented, on one loopback port: the OAuth2 token endpoint
 * ({@code POST /token}, a form with {@code grant_type} and, for a service account, its signed
 * {@code assertion}) and the metadata server's ({@code GET /computeMetadata/v1/instance/service-accounts/default/token},
 * answered only with {@code Metadata-Flavor: Google}, as the real one does). Both answer
 * {@code access_token}, {@code expires_in} and {@code token_type}; the tokens are handed out in the order
 * given (the last one again once they run out), and every request is kept. {@link #refuse} makes them
 * answer {@code 400} with an OAuth2 error instead, as for a deleted key.
 */
public final class GoogleTokenService implements AutoCloseable {

    public static final String METADATA_TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as it arrived: for {@code POST /token}, its form too. */
    public record Request(RecordedRequest request, Map<String, String> form) {
    }

    private final LoopbackHttpServer server = new LoopbackHttpServer("google-token-service");
    private final List<String> tokens;
    private final long expiresInSeconds;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String refusal;

    /** Hands out {@code tokens} in order, each said to expire in {@code expiresInSeconds}. */
    public GoogleTokenService(long expiresInSeconds, String... tokens) {
        this.tokens = List.of(tokens);
        this.expiresInSeconds = expiresInSeconds;
        RequestLog log = new RequestLog();
        server.serve(exchange -> {
            RecordedRequest request = log.record(exchange);
            Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(new Request(request, form));
            if (request.method().equals("POST") && request.path().equals("/token")) {
                answerToken(exchange, Map.of());
            } else if (request.method().equals("GET") && request.path().equals(METADATA_TOKEN_PATH)) {
                if (request.header("Metadata-Flavor").filter("Google"::equals).isEmpty()) {
                    UpstreamResponses.json(exchange, 403, "{\"error\":\"Missing Metadata-Flavor:Google header\"}"
                            .getBytes(StandardCharsets.UTF_8), Map.of());
                } else {
                    answerToken(exchange, Map.of("Metadata-Flavor", "Google"));
                }
            } else {
                UpstreamResponses.json(exchange, 404, "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            }
        });
    }

    /** The OAuth2 token endpoint, as a service account key's {@code token_uri}. */
    public URI tokenUri() {
        return server.endpoint().resolve("/token");
    }

    /** {@code 127.0.0.1:<port>}, as {@code GCE_METADATA_HOST} names a metadata server. */
    public String metadataHost() {
        return server.endpoint().getAuthority();
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many tokens were handed out. */
    public int tokensIssued() {
        return issued.get();
    }

    /** Token requests from now on are answered {@code 400} with OAuth2's {@code error} and {@code error_description}. */
    public void refuse(String error, String description) {
        refusal = JSON.createObjectNode().put("error", error).put("error_description", description).toString();
    }

    private void answerToken(HttpExchange exchange, Map<String, String> headers) throws IOException {
        String refused = refusal;
        if (refused != null) {
            UpstreamResponses.json(exchange, 400, refused.getBytes(StandardCharsets.UTF_8), headers);
            return;
        }
        int number = issued.getAndIncrement();
        String token = tokens.get(Math.min(number, tokens.size() - 1));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("expires_in", expiresInSeconds);
        body.put("token_type", "Bearer");
        UpstreamResponses.json(exchange, 200, JSON.writeValueAsBytes(body), headers);
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.close();
    }
}
