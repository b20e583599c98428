package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DigestTest {

    private static final String EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void parsesAndPrintsSha256() {
        Digest digest = Digest.parse(EMPTY_SHA256);
        assertEquals("sha256", digest.algorithm());
        assertEquals(EMPTY_SHA256, digest.toString());
    }

    @Test
    void hashesBytesToTheSameDigest() {
        assertEquals(Digest.parse(EMPTY_SHA256), Digest.sha256Of(new byte[0]));
        Digest abc = Digest.sha256Of("abc".getBytes(StandardCharsets.US_ASCII));
        assertTrue(abc.matches(abc.newHasher().digest("abc".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(abc.matches(abc.newHasher().digest("abd".getBytes(StandardCharsets.US_ASCII))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256", "sha256:", ":abc", "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
            "sha256:../../etc/passwd", "sha512:abcd"})
    void rejectsMalformedDigests(String text) {
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(text));
    }

    @Test
    void tellsDigestsFromTags() {
        assertTrue(Digest.looksLikeDigest(EMPTY_SHA256));
        assertFalse(Digest.looksLikeDigest("v1.2.3"));
    }
}
