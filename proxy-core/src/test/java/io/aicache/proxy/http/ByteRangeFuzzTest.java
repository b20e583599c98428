package io.aicache.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A Range header is the client's: any value is the whole body (null), one range that prints back and
 * resolves within any body, or a RANGE_MALFORMED refusal.
 */
class ByteRangeFuzzTest {

    private static final long[] SIZES = {0, 1, 1000, Long.MAX_VALUE};

    @FuzzTest
    void parse(byte[] input) {
        ByteRange range;
        try {
            range = ByteRange.parse(new String(input, StandardCharsets.UTF_8));
        } catch (RegistryException refused) {
            assertEquals(ErrorCode.RANGE_MALFORMED, refused.code());
            return;
        }
        if (range == null) {
            return;
        }
        String printed = range.suffixLength() >= 0 ? "bytes=-" + range.suffixLength()
                : "bytes=" + range.first() + "-" + (range.last() >= 0 ? Long.toString(range.last()) : "");
        assertEquals(range, ByteRange.parse(printed));
        for (long size : SIZES) {
            long[] selected = range.resolve(size);
            if (selected != null) {
                assertTrue(0 <= selected[0] && selected[0] <= selected[1] && selected[1] < size,
                        () -> range + " in " + size + " selects " + selected[0] + "-" + selected[1]);
            }
        }
    }
}
