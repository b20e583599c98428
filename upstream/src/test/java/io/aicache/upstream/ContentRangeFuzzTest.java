package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Upstream's Content-Range: a range that lies within its total and prints back, or nothing. */
class ContentRangeFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        Optional<ContentRange> parsed = ContentRange.parse(new String(input, StandardCharsets.UTF_8));
        if (parsed.isEmpty()) {
            return;
        }
        ContentRange range = parsed.get();
        assertTrue(range.first() >= 0 && range.first() <= range.last(), range::toString);
        assertTrue(range.total() == -1 || range.last() < range.total(), range::toString);
        String printed = "bytes " + range.first() + "-" + range.last() + "/"
                + (range.total() == -1 ? "*" : Long.toString(range.total()));
        assertEquals(parsed, ContentRange.parse(printed));
    }
}
