package io.aicache.proxy.connect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Tier;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.upstream.PassThroughClient;
import io.aicache.upstream.UpstreamResponse;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Passes a request to an intercepted host on to where that host really is (through upstream's
 * {@link PassThroughClient}) and streams the answer back unchanged, redirects included. Only hosts
 * on the intercept list, which the operator chose, are reached this way.
 */
final class Passthrough {

    private static final Logger LOG = LoggerFactory.getLogger(Passthrough.class);
    /** Hop-by-hop headers, and those the HTTP client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "http2-settings");

    private final PassThroughClient client;

    Passthrough(PassThroughClient client) {
        this.client = client;
    }

    /** @param registry the configured registry the host is, or {@code null} */
    void forward(Exchange exchange, FullHttpRequest request, ConnectTarget target, String registry) {
        exchange.route("passthrough");
        if (!request.uri().startsWith("/")) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "request target must be a path, got '" + request.uri() + "'");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(name) && !name.startsWith(":") && !name.startsWith("x-http2-")) {
                headers.computeIfAbsent(header.getKey(), key -> new ArrayList<>(1)).add(header.getValue());
            }
        }
        byte[] body = request.content().isReadable() ? ByteBufUtil.getBytes(request.content()) : new byte[0];
        CompletableFuture<UpstreamResponse<Flow.Publisher<List<ByteBuffer>>>> answer;
        try {
            answer = client.forward(registry, target.toString(), request.method().name(), request.uri(), headers, body);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID, e.getMessage());
        }
        answer.whenComplete((response, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                LOG.debug("passing {} {} to {} failed: {}", request.method(), exchange.requestPath(),
                        registry != null ? registry : target, failure.toString());
                exchange.sendError(new RegistryException(ErrorCode.UNKNOWN,
                        "cannot reach " + target.host() + ": " + failure.getClass().getSimpleName()));
                return;
            }
            exchange.tier(Tier.UPSTREAM);
            exchange.writeHead(head(response, exchange.isHead()));
            response.body().subscribe(new BodyRelay(exchange));
        }));
    }

    private static HttpResponse head(UpstreamResponse<?> response, boolean isHead) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
        boolean hasLength = false;
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || (NOT_FORWARDED.contains(name) && !name.equals("content-length"))) {
                continue;
            }
            hasLength |= name.equals("content-length");
            head.headers().add(header.getKey(), header.getValue());
        }
        int status = response.status();
        if (!hasLength && !isHead && status != 204 && status != 304) {
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return head;
    }
}
