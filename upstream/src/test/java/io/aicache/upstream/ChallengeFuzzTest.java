package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** A WWW-Authenticate header is upstream's: any value gives challenges (perhaps none), never a failure. */
class ChallengeFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        for (Challenge challenge : Challenge.parse(new String(input, StandardCharsets.UTF_8))) {
            assertFalse(challenge.scheme().isEmpty());
            assertEquals(challenge.scheme().toLowerCase(Locale.ROOT), challenge.scheme());
            challenge.parameters().forEach((name, value) -> {
                assertFalse(name.isEmpty());
                assertEquals(name.toLowerCase(Locale.ROOT), name);
            });
        }
    }
}
