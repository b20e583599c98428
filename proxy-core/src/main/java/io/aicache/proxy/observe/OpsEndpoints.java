package io.aicache.proxy.observe;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The operations endpoints: {@code /metrics} (Prometheus text), {@code /healthz} (the process
 * answers) and {@code /readyz} (it can serve pulls; 503 with the failing checks otherwise).
 */
public final class OpsEndpoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    private final Readiness readiness;

    public OpsEndpoints(Metrics metrics, Readiness readiness) {
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /** Answers the request when it is for an operations endpoint; false when it is not. */
    public boolean handle(Exchange exchange, FullHttpRequest request) {
        String path = exchange.requestPath();
        if (!path.equals("/metrics") && !path.equals("/healthz") && !path.equals("/readyz")) {
            return false;
        }
        exchange.route(path.substring(1));
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, request.method() + " " + path + " is not supported");
        }
        switch (path) {
            case "/metrics" -> exchange.sendBytes(HttpResponseStatus.OK,
                    new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT),
                    metrics.scrape().getBytes(StandardCharsets.UTF_8));
            case "/healthz" -> sendJson(exchange, HttpResponseStatus.OK, JSON.createObjectNode().put("status", "alive"));
            default -> ready(exchange);
        }
        return true;
    }

    private void ready(Exchange exchange) {
        Map<String, Readiness.Check> checks = readiness.checks();
        boolean ready = checks.values().stream().allMatch(Readiness.Check::ok);
        ObjectNode body = JSON.createObjectNode().put("status", ready ? "ready" : "not ready");
        ObjectNode details = body.putObject("checks");
        checks.forEach((name, check) -> details.putObject(name).put("ok", check.ok()).put("detail", check.detail()));
        sendJson(exchange, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static void sendJson(Exchange exchange, HttpResponseStatus status, ObjectNode body) {
        exchange.sendBytes(status, new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "application/json"),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
