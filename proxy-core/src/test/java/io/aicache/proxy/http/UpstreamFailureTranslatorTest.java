package io.aicache.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.aicache.upstream.BodyTooLargeException;
import io.aicache.upstream.UpstreamDownException;
import io.aicache.upstream.UpstreamHeaders;
import io.aicache.upstream.UpstreamStatusException;
import io.netty.handler.codec.http.HttpResponseStatus;

class UpstreamFailureTranslatorTest {

    private static final String WHAT = "blob sha256:abc";
    private static final String WHERE = WHAT + " in ghcr.io/org/app";

    private final UpstreamFailureTranslator registry =
            new UpstreamFailureTranslator(ErrorCode.BLOB_UNKNOWN, "upstream ghcr.io", WHAT, WHERE, null);
    private final UpstreamFailureTranslator charts = new UpstreamFailureTranslator(ErrorCode.BLOB_UNKNOWN, "upstream",
            "index.yaml of chart repository stable", "index.yaml of chart repository stable", "helm.maxChartBytes");

    @ParameterizedTest
    @ValueSource(ints = {404, 410})
    void goneUpstreamIsTheNotThereCode(int status) {
        RegistryException error = registry.toRegistryException(status(status, Map.of()));
        assertAnswer(error, ErrorCode.BLOB_UNKNOWN, HttpResponseStatus.NOT_FOUND, "upstream has no " + WHERE);
        RegistryException manifest = new UpstreamFailureTranslator(ErrorCode.MANIFEST_UNKNOWN, "upstream ghcr.io",
                "manifest v1", "manifest v1 in ghcr.io/org/app", null).toRegistryException(status(status, Map.of()));
        assertEquals(ErrorCode.MANIFEST_UNKNOWN, manifest.code());
    }

    @Test
    void refusedCredentialsAreUnauthorized() {
        assertAnswer(registry.toRegistryException(status(401, Map.of())), ErrorCode.UNAUTHORIZED,
                HttpResponseStatus.UNAUTHORIZED, "upstream ghcr.io refused aicache's credentials for " + WHERE);
        assertEquals(ErrorCode.UNAUTHORIZED, charts.toRegistryException(status(401, Map.of())).code());
    }

    @Test
    void deniedAccessIsDenied() {
        assertAnswer(registry.toRegistryException(status(403, Map.of())), ErrorCode.DENIED,
                HttpResponseStatus.FORBIDDEN, "upstream ghcr.io denied access to " + WHERE);
        assertEquals(ErrorCode.DENIED, charts.toRegistryException(status(403, Map.of())).code());
    }

    @Test
    void rateLimitingPassesRetryAfterOn() {
        RegistryException error = registry.toRegistryException(status(429, Map.of("Retry-After", List.of("7"))));
        assertAnswer(error, ErrorCode.TOOMANYREQUESTS, HttpResponseStatus.TOO_MANY_REQUESTS,
                "upstream ghcr.io is rate-limiting requests for " + WHERE);
        assertEquals(Map.of("Retry-After", "7"), error.headers());
        assertEquals(Map.of(), charts.toRegistryException(status(429, Map.of())).headers());
    }

    @Test
    void upstreamServerErrorsAreUnavailableAndOtherStatusesABadGateway() {
        assertAnswer(registry.toRegistryException(status(503, Map.of())), ErrorCode.UNAVAILABLE,
                HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream ghcr.io answered 503 for " + WHERE);
        assertAnswer(registry.toRegistryException(status(400, Map.of())), ErrorCode.UNKNOWN,
                HttpResponseStatus.BAD_GATEWAY, "upstream ghcr.io answered 400 for " + WHERE);
        assertTrue(registry.toRegistryException(status(503, Map.of())).headers().isEmpty());
    }

    @Test
    void aTooLargeBodyIsABadGatewayNamingTheLimitsKey() {
        RegistryException chart = charts.toRegistryException(new CompletionException(new BodyTooLargeException(10)));
        assertAnswer(chart, ErrorCode.UNKNOWN, HttpResponseStatus.BAD_GATEWAY, "helm.maxChartBytes", "10 bytes",
                "index.yaml of chart repository stable");
        RegistryException blob = registry.toRegistryException(new IOException("read", new BodyTooLargeException(10)));
        assertAnswer(blob, ErrorCode.UNKNOWN, HttpResponseStatus.BAD_GATEWAY, "upstream ghcr.io", WHAT, "10 bytes");
        assertFalse(blob.getMessage().contains("("), blob.getMessage());
    }

    @Test
    void unreachableUpstreamsAreUnavailable() {
        assertAnswer(registry.toRegistryException(new CompletionException(new HttpTimeoutException("slow"))),
                ErrorCode.UNAVAILABLE, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "upstream ghcr.io timed out while fetching " + WHAT);
        assertAnswer(registry.toRegistryException(new ConnectException("refused")), ErrorCode.UNAVAILABLE,
                HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream ghcr.io cannot be reached while fetching " + WHAT);
        assertAnswer(charts.toRegistryException(new UpstreamDownException("stable")), ErrorCode.UNAVAILABLE,
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "upstream is marked down after repeated failures, or aicache is offline"
                        + " while fetching index.yaml of chart repository stable");
        assertAnswer(registry.toRegistryException(new UpstreamDownException("ghcr.io")), ErrorCode.UNAVAILABLE,
                HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream ghcr.io is marked down");
        assertAnswer(registry.toRegistryException(new IOException("reset")), ErrorCode.UNAVAILABLE,
                HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream ghcr.io failed: reset while fetching " + WHAT);
    }

    @Test
    void aRefusalAlreadyDecidedIsPassedOn() {
        RegistryException decided = new RegistryException(ErrorCode.MANIFEST_INVALID, "bad bytes");
        assertSame(decided, registry.toRegistryException(new CompletionException(new CompletionException(decided))));
    }

    private static UpstreamStatusException status(int status, Map<String, List<String>> headers) {
        return new UpstreamStatusException("ghcr.io", status, UpstreamHeaders.of(headers));
    }

    private static void assertAnswer(RegistryException error, ErrorCode code, HttpResponseStatus status,
                                     String... fragments) {
        assertEquals(code, error.code());
        assertEquals(status, error.status());
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' should say '" + fragment + "'");
        }
    }
}
