package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;

/**
 * The authentication a {@link FaultyUpstream} asks for: none, Basic, or the registry token
 * flow (a Bearer challenge naming its own {@code /token} endpoint, which hands out tokens
 * valid for {@code expires_in} 300 s unless told otherwise, and counts how often it was asked).
 * Tokens can be made to expire: after their {@code expires_in} has passed, or (the first
 * token handed out) after a number of requests used it.
 */
final class UpstreamAuth {

    private enum Mode { NONE, BASIC, BEARER }

    /** A token handed out: when, and how many requests it admitted. */
    private record Issued(long issuedAtNanos, AtomicInteger uses) {
    }

    private final String tokenRealm;
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger refusedTokens = new AtomicInteger();
    private volatile Mode mode = Mode.NONE;
    private volatile String expectedBasic;
    private volatile long lifetimeSeconds = 300;
    private volatile boolean enforceLifetime;
    private volatile int maxUsesOfFirstToken = Integer.MAX_VALUE;
    private volatile Fault.Gate tokenGate;

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

    /** Tokens handed out from now on say {@code expires_in: seconds}; with {@code enforce} they are refused after that. */
    void tokenLifetime(long seconds, boolean enforce) {
        lifetimeSeconds = seconds;
        enforceLifetime = enforce;
    }

    /** The first token handed out admits {@code uses} requests; later ones get a 401 with a new challenge, as for an expired token. */
    void expireFirstTokenAfterUses(int uses) {
        maxUsesOfFirstToken = uses;
    }

    /** Holds token requests at {@code gate} before they are answered. */
    void holdTokenRequests(Fault.Gate gate) {
        tokenGate = gate;
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    /** Requests that carried a token this upstream no longer (or never) accepted. */
    int refusedTokens() {
        return refusedTokens.get();
    }

    /** Whether the request carries what this upstream asks for. */
    boolean admits(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        return switch (mode) {
            case NONE -> true;
            case BASIC -> expectedBasic.equals(authorization);
            case BEARER -> admitsBearer(authorization);
        };
    }

    private boolean admitsBearer(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String value = authorization.substring("Bearer ".length());
        Issued token = issued.get(value);
        boolean valid = token != null
                && (!enforceLifetime || System.nanoTime() - token.issuedAtNanos() < lifetimeSeconds * 1_000_000_000L)
                && (token.uses().incrementAndGet() <= maxUsesOfFirstToken || !value.equals("token-1"));
        if (!valid) {
            refusedTokens.incrementAndGet();
        }
        return valid;
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
        Fault.Gate gate = tokenGate;
        if (gate != null) {
            try {
                gate.hold();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while holding a token request", e);
            }
        }
        String token = "token-" + number;
        issued.put(token, new Issued(System.nanoTime(), new AtomicInteger()));
        byte[] body = ("{\"token\":\"" + token + "\",\"access_token\":\"" + token + "\",\"expires_in\":" + lifetimeSeconds + "}")
                .getBytes(StandardCharsets.UTF_8);
        UpstreamResponses.json(exchange, 200, body, Map.of());
    }

    private static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
