package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Digests come from request paths, headers and manifests: any text is a digest that prints back, or refused. */
class DigestFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Digest digest;
        try {
            digest = Digest.parse(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertEquals(text, digest.toString());
        assertEquals(digest, Digest.parse(digest.toString()));
    }
}
