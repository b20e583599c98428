package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * Names, tags and digests come from the request path: any text is accepted as it is or refused with the
 * spec's code for its kind.
 */
class ReferencesFuzzTest {

    @FuzzTest
    void require(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            assertEquals(text, References.requireName(text));
            assertTrue(text.length() <= 255);
        } catch (RegistryException refused) {
            assertEquals(ErrorCode.NAME_INVALID, refused.code());
        }
        try {
            assertEquals(text, References.requireTag(text));
            assertTrue(text.length() <= 128);
        } catch (RegistryException refused) {
            assertEquals(ErrorCode.TAG_INVALID, refused.code());
        }
        try {
            assertEquals(text, References.requireDigest(text).toString());
        } catch (RegistryException refused) {
            assertEquals(ErrorCode.DIGEST_INVALID, refused.code());
        }
    }
}
