package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class UpstreamHeadersTest {

    @Test
    void namesAreCaseInsensitiveAndValuesKeepTheirOrder() {
        UpstreamHeaders headers = UpstreamHeaders.of(List.of(Map.entry("Link", "<a>"), Map.entry("link", "<b>"),
                Map.entry("Content-Length", "42")));
        assertEquals(List.of("<a>", "<b>"), headers.allValues("LINK"));
        assertEquals("<a>", headers.firstValue("link").orElseThrow());
        assertEquals(OptionalLong.of(42), headers.firstValueAsLong("content-length"));
    }

    @Test
    void aMapOfNamesMergesNamesThatDifferOnlyInCase() {
        UpstreamHeaders headers = UpstreamHeaders.of(Map.of("Retry-After", List.of("5"), "retry-after", List.of("6")));
        assertEquals(2, headers.allValues("Retry-After").size());
    }

    @Test
    void absentOrUnreadableValuesAreEmpty() {
        UpstreamHeaders headers = UpstreamHeaders.of(Map.of("Content-Length", List.of("lots")));
        assertTrue(headers.firstValueAsLong("Content-Length").isEmpty());
        assertTrue(headers.firstValue("ETag").isEmpty());
        assertTrue(UpstreamHeaders.none().allValues("ETag").isEmpty());
    }
}
