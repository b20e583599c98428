package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;

/**
 * The authentication a {@link FaultyUpstream} asks for: none, Basic, or the registry token
 * flow (a Bearer challenge naming its own {@code /token} endpoint, which hands out tokens
 * valid for {@code expires_in} 300 s and counts how often it was asked).
 */
final class UpstreamAuth {

    private enum Mode { NONE, BASIC, BEARER }

    private final String tokenRealm;
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile Mode mode = Mode.NONE;
    private volatile String expectedBasic;

    UpstreamAuth(String tokenRealm) {
        this.tokenRealm = tokenRealm;
    }

    void requireBearer() {
        mode = Mode.BEARER;
    }

    void requireBasic(String username, String password) {
        expectedBasic = basic(username, password);
        mode = Mode.BASIC;
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    /** Whether the request carries what this upstream asks for. */
    boolean admits(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        return switch (mode) {
            case NONE -> true;
            case BASIC -> expectedBasic.equals(authorization);
            case BEARER -> authorization != null && authorization.startsWith("Bearer ")
                    && issued.contains(authorization.substring("Bearer ".length()));
        };
    }

    /** The 401 for a request that was not admitted, with the challenge a client can meet. */
    void challenge(HttpExchange exchange, String repository) throws IOException {
        String challenge = mode == Mode.BASIC ? "Basic realm=\"test\""
                : "Bearer realm=\"" + tokenRealm + "\",service=\"test\""
                        + (repository == null ? "" : ",scope=\"repository:" + repository + ":pull\"");
        UpstreamResponses.error(exchange, 401, "UNAUTHORIZED", "authentication required",
                Map.of("WWW-Authenticate", challenge));
    }

    /** {@code GET /token?service=...&scope=...}: a new token each time, counted. */
    void serveToken(HttpExchange exchange) throws IOException {
        int number = tokenRequests.incrementAndGet();
        String token = "token-" + number;
        issued.add(token);
        byte[] body = ("{\"token\":\"" + token + "\",\"access_token\":\"" + token + "\",\"expires_in\":300}")
                .getBytes(StandardCharsets.UTF_8);
        UpstreamResponses.json(exchange, 200, body, Map.of());
    }

    private static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
