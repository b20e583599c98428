package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * The part of the Amazon ECR API that hands out registry tokens, as the AWS JSON 1.1 protocol has it:
 * {@code POST /} with {@code X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken},
 * answered with one {@code authorizationData} whose token is base64 {@code AWS:<password>} and whose
 * {@code expiresAt} is in epoch seconds. Any other target gets the protocol's error body. It checks no
 * signature: tests look at the {@link #requests() recorded} {@code Authorization} headers instead.
 */
public final class EcrApiServer implements AutoCloseable {

    public static final String TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request received: its headers (names lower-cased) and its body. */
    public record Request(Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final LoopbackHttpServer server = new LoopbackHttpServer("ecr-api");
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String password;
    private volatile Instant expiresAt;
    private volatile boolean denied;

    /** Issues {@code AWS:<password>} tokens that say they expire at {@code expiresAt}. */
    public EcrApiServer(String password, Instant expiresAt) {
        this.password = password;
        this.expiresAt = expiresAt;
        server.serve(this::answer);
    }

    /** Tokens handed out from now on carry {@code password}. */
    public void issue(String password, Instant expiresAt) {
        this.password = password;
        this.expiresAt = expiresAt;
    }

    /** From now on every request is refused as IAM refuses a principal without {@code ecr:GetAuthorizationToken}. */
    public void deny() {
        denied = true;
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream().collect(Collectors.toMap(
                entry -> entry.getKey().toLowerCase(Locale.ROOT), entry -> String.join(",", entry.getValue())));
        requests.add(new Request(headers, new String(requestBody, StandardCharsets.UTF_8)));
        ObjectNode body = JSON.createObjectNode();
        int status;
        if (denied) {
            status = 400;
            body.put("__type", "AccessDeniedException").put("message",
                    "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken");
        } else if (exchange.getRequestMethod().equals("POST")
                && TARGET.equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
            status = 200;
            String token = Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
            body.putArray("authorizationData").addObject()
                    .put("authorizationToken", token)
                    .put("expiresAt", expiresAt.getEpochSecond())
                    .put("proxyEndpoint", "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        } else {
            status = 400;
            body.put("__type", "UnknownOperationException").put("message", "unknown target");
        }
        exchange.getResponseHeaders().set("x-amzn-RequestId", "test-" + requests.size());
        LoopbackHttpServer.respond(exchange, status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        server.close();
    }
}
