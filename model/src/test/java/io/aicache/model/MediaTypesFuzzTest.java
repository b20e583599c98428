package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Accept headers are the client's: any set of values (one per line of the input) gives bare, lower-case
 * media types, and negotiation over them never fails.
 */
class MediaTypesFuzzTest {

    @FuzzTest
    void accepted(byte[] input) {
        List<String> headers = List.of(new String(input, StandardCharsets.UTF_8).split("\n", -1));
        List<String> accepted = MediaTypes.accepted(headers);
        for (String type : accepted) {
            assertFalse(type.isEmpty());
            assertFalse(type.contains(",") || type.contains(";"), type);
            assertEquals(type.trim().toLowerCase(Locale.ROOT), type);
            assertTrue(MediaTypes.isAcceptable(accepted, type));
        }
        for (String type : MediaTypes.ALL_MANIFESTS) {
            MediaTypes.isAcceptable(accepted, type);
        }
    }
}
