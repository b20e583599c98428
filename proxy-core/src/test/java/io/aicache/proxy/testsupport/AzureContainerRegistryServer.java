package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Azure as a pull of a private ACR image meets it, on one loopback port, speaking the documented protocols:
 * <ul>
 *   <li>{@code GET /msi/token}: App Service's managed-identity endpoint ({@code IDENTITY_ENDPOINT}), which
 *       wants {@code api-version=2019-08-01}, a {@code resource} and the {@code X-IDENTITY-HEADER} secret
 *       ({@code IDENTITY_HEADER}), and answers an Entra ID token (a JWT naming its tenant);</li>
 *   <li>{@code POST /oauth2/exchange}: ACR's exchange of that token ({@code grant_type=access_token}) for an
 *       ACR refresh token (a JWT with an {@code exp});</li>
 *   <li>{@code POST /oauth2/token}: ACR's token service, an access token for a {@code scope} for a refresh
 *       token it issued ({@code grant_type=refresh_token});</li>
 *   <li>{@code /v2/}: the registry API, serving one image's manifest and blobs to requests with an access
 *       token it issued, a Bearer challenge naming {@code /oauth2/token} to others.</li>
 * </ul>
 * Every call is recorded with its parameters (query and form) for the test to check what was sent.
 */
public final class AzureContainerRegistryServer implements AutoCloseable {

    /** The App Service identity endpoint's secret header, as MSAL sends it. */
    public static final String IDENTITY_HEADER_NAME = "X-IDENTITY-HEADER";
    public static final String IDENTITY_API_VERSION = "2019-08-01";
    public static final String TENANT = "72f988bf-0000-4000-8000-000000000001";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofHours(3);

    /** A request as it arrived: its parameters from the query and the form body, and its headers (names lower-cased). */
    public record Call(String method, String path, Map<String, String> parameters, Map<String, String> headers) {

        public String parameter(String name) {
            return parameters.get(name);
        }
    }

    private record Blob(String mediaType, byte[] bytes) {
    }

    private final LoopbackHttpServer server = new LoopbackHttpServer("acr");
    private final String registry;
    private final String identitySecret;
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, Blob> content = new ConcurrentHashMap<>();
    private final Set<String> entraTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> refreshTokensIssued = ConcurrentHashMap.newKeySet();
    private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile boolean refuseExchanges;

    /**
     * @param registry       the registry's login server, as its challenges name the service
     * @param identitySecret what {@code X-IDENTITY-HEADER} must carry
     */
    public AzureContainerRegistryServer(String registry, String identitySecret) {
        this.registry = registry;
        this.identitySecret = identitySecret;
        server.serve(this::route);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** What {@code IDENTITY_ENDPOINT} is set to on App Service. */
    public URI identityEndpoint() {
        return endpoint().resolve("/msi/token");
    }

    /** Serves {@code bytes} at {@code /v2/<repository>/manifests/<reference>} (tag or digest) or {@code .../blobs/<digest>}. */
    public void put(String path, String mediaType, byte[] bytes) {
        content.put(path, new Blob(mediaType, bytes));
    }

    /** Every refresh and access token issued so far stops working, as when they are revoked or expire. */
    public void revokeAcrTokens() {
        refreshTokens.clear();
        accessTokens.clear();
    }

    /** {@code /oauth2/exchange} refuses every token from now on, as for an identity without access to the registry. */
    public void refuseExchanges() {
        refuseExchanges = true;
    }

    /** The Entra ID tokens the identity endpoint handed out. */
    public Set<String> entraTokens() {
        return Set.copyOf(entraTokens);
    }

    /** The refresh tokens the exchange handed out, revoked ones included. */
    public Set<String> refreshTokensIssued() {
        return Set.copyOf(refreshTokensIssued);
    }

    /** Every call to {@code path}, in arrival order. */
    public List<Call> calls(String path) {
        return calls.stream().filter(call -> call.path().equals(path)).toList();
    }

    private void route(HttpExchange exchange) throws IOException {
        Call call = record(exchange);
        String path = call.path();
        if (path.equals("/msi/token") && call.method().equals("GET")) {
            identityToken(exchange, call);
        } else if (path.equals("/oauth2/exchange") && call.method().equals("POST")) {
            exchangeToken(exchange, call);
        } else if (path.equals("/oauth2/token") && call.method().equals("POST")) {
            accessToken(exchange, call);
        } else if (path.startsWith("/v2/")) {
            registryApi(exchange, call);
        } else {
            UpstreamResponses.error(exchange, 404, "NOT_FOUND", "no such endpoint " + call.method() + " " + path,
                    Map.of());
        }
    }

    private void identityToken(HttpExchange exchange, Call call) throws IOException {
        if (!identitySecret.equals(call.headers().get(IDENTITY_HEADER_NAME.toLowerCase(Locale.ROOT)))) {
            UpstreamResponses.error(exchange, 401, "UNAUTHORIZED", "missing or wrong " + IDENTITY_HEADER_NAME, Map.of());
            return;
        }
        String resource = call.parameter("resource");
        if (!IDENTITY_API_VERSION.equals(call.parameter("api-version")) || resource == null) {
            UpstreamResponses.error(exchange, 400, "BAD_REQUEST",
                    "api-version " + IDENTITY_API_VERSION + " and a resource are required", Map.of());
            return;
        }
        long expiresOn = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        String token = jwt(Map.of("aud", resource, "tid", TENANT, "exp", expiresOn, "jti", "entra-" + issued.incrementAndGet()));
        entraTokens.add(token);
        ObjectNode body = JSON.createObjectNode()
                .put("access_token", token)
                .put("expires_on", Long.toString(expiresOn))
                .put("resource", resource)
                .put("token_type", "Bearer");
        json(exchange, 200, body);
    }

    private void exchangeToken(HttpExchange exchange, Call call) throws IOException {
        if (!"access_token".equals(call.parameter("grant_type")) || !registry.equals(call.parameter("service"))) {
            UpstreamResponses.error(exchange, 400, "BAD_REQUEST",
                    "grant_type access_token and service " + registry + " are required", Map.of());
            return;
        }
        if (refuseExchanges) {
            UpstreamResponses.error(exchange, 401, "UNAUTHORIZED", "the identity may not pull from " + registry, Map.of());
            return;
        }
        if (!entraTokens.contains(call.parameter("access_token"))) {
            UpstreamResponses.error(exchange, 401, "UNAUTHORIZED", "the access token is not one Entra ID issued", Map.of());
            return;
        }
        long exp = Instant.now().plus(REFRESH_TOKEN_LIFETIME).getEpochSecond();
        String token = jwt(Map.of("aud", registry, "grant_type", "refresh_token", "exp", exp,
                "jti", "refresh-" + issued.incrementAndGet()));
        refreshTokens.add(token);
        refreshTokensIssued.add(token);
        json(exchange, 200, JSON.createObjectNode().put("refresh_token", token));
    }

    private void accessToken(HttpExchange exchange, Call call) throws IOException {
        if (!"refresh_token".equals(call.parameter("grant_type")) || !registry.equals(call.parameter("service"))
                || call.parameter("scope") == null) {
            UpstreamResponses.error(exchange, 400, "BAD_REQUEST",
                    "grant_type refresh_token, service and scope are required", Map.of());
            return;
        }
        if (!refreshTokens.contains(call.parameter("refresh_token"))) {
            UpstreamResponses.error(exchange, 401, "UNAUTHORIZED", "the refresh token is not valid", Map.of());
            return;
        }
        String token = "access-" + issued.incrementAndGet();
        accessTokens.add(token);
        json(exchange, 200, JSON.createObjectNode().put("access_token", token));
    }

    private void registryApi(HttpExchange exchange, Call call) throws IOException {
        String authorization = call.headers().getOrDefault("authorization", "");
        if (!authorization.startsWith("Bearer ") || !accessTokens.contains(authorization.substring("Bearer ".length()))) {
            String challenge = "Bearer realm=\"" + endpoint().resolve("/oauth2/token") + "\",service=\"" + registry + "\"";
            UpstreamResponses.error(exchange, 401, "UNAUTHORIZED", "authentication required", Map.of("WWW-Authenticate", challenge));
            return;
        }
        if (call.path().equals("/v2/")) {
            json(exchange, 200, JSON.createObjectNode());
            return;
        }
        Blob blob = content.get(call.path());
        if (blob == null) {
            UpstreamResponses.error(exchange, 404, "NOT_FOUND", "nothing at " + call.path(), Map.of());
            return;
        }
        UpstreamResponses.send(exchange, 200, Map.of("Content-Type", blob.mediaType(),
                "Docker-Content-Digest", TestBlobs.digestOf(blob.bytes())), blob.bytes(), null);
    }

    private Call record(HttpExchange exchange) throws IOException {
        Map<String, String> parameters = new LinkedHashMap<>(form(exchange.getRequestURI().getRawQuery()));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            parameters.putAll(form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
        Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), Map.copyOf(parameters),
                Map.copyOf(headers));
        calls.add(call);
        return call;
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** An unsigned JWT with these claims: what the client reads (expiry, tenant) without checking a signature. */
    private static String jwt(Map<String, Object> claims) throws IOException {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(JSON.writeValueAsBytes(claims)) + ".";
    }

    private static void json(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        UpstreamResponses.json(exchange, status, JSON.writeValueAsBytes(body), Map.of());
    }

    @Override
    public void close() {
        server.close();
    }
}
