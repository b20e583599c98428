package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

class ReferencesTest {

    @ParameterizedTest
    @ValueSource(strings = {"alpine", "library/alpine", "a/b/c", "my-org/my__app", "x.y/z-1"})
    void acceptsSpecNames(String name) {
        assertEquals(name, References.requireName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alpine", "/alpine", "alpine/", "a//b", "a/../b", "-a", "a b", "a:b"})
    void refusesOtherNames(String name) {
        assertEquals(ErrorCode.NAME_INVALID, assertThrows(RegistryException.class, () -> References.requireName(name)).code());
    }

    @Test
    void refusesOverlongNames() {
        assertThrows(RegistryException.class, () -> References.requireName("a".repeat(256)));
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden", "-dash", "tag/slash", "ta g"})
    void refusesInvalidTags(String tag) {
        assertEquals(ErrorCode.TAG_INVALID, assertThrows(RegistryException.class, () -> References.requireTag(tag)).code());
    }

    @Test
    void refusesOverlongTags() {
        assertEquals(ErrorCode.TAG_INVALID,
                assertThrows(RegistryException.class, () -> References.requireTag("a".repeat(129))).code());
    }

    @Test
    void invalidDigestsAreDigestInvalid() {
        assertEquals(ErrorCode.DIGEST_INVALID,
                assertThrows(RegistryException.class, () -> References.requireDigest("sha256:xyz")).code());
    }
}
