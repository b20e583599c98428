package io.aicache.proxy.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.handler.codec.http.HttpResponseStatus;

class ByteRangeTest {

    @Test
    void resolvesTheThreeFormsOfOneRange() {
        assertArrayEquals(new long[] {0, 99}, ByteRange.parse("bytes=0-99").resolve(1000));
        assertArrayEquals(new long[] {500, 999}, ByteRange.parse("bytes=500-").resolve(1000));
        assertArrayEquals(new long[] {900, 999}, ByteRange.parse("bytes=-100").resolve(1000));
        assertArrayEquals(new long[] {0, 999}, ByteRange.parse("bytes=-5000").resolve(1000));
        assertArrayEquals(new long[] {990, 999}, ByteRange.parse("bytes=990-5000").resolve(1000), "clipped to the end");
    }

    @Test
    void rangesBeyondTheEndSelectNothing() {
        assertNull(ByteRange.parse("bytes=1000-").resolve(1000));
        assertNull(ByteRange.parse("bytes=-0").resolve(1000));
        assertNull(ByteRange.parse("bytes=0-").resolve(0));
    }

    @Test
    void absentOrMultipleRangesOrAnotherUnitMeanTheWholeBody() {
        assertNull(ByteRange.parse(null));
        assertNull(ByteRange.parse("bytes=0-1,5-6"));
        assertNull(ByteRange.parse("items=0-1"), "RFC 9110: a unit the server does not know is ignored");
    }

    @Test
    void theUnitIsCaseInsensitive() {
        assertEquals(ByteRange.parse("bytes=2-5"), ByteRange.parse("Bytes=2-5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=", "bytes=-", "bytes=a-b", "abc", "by tes=0-1", "bytes=5-1", "bytes=0-1-2",
            "bytes=99999999999999999999-"})
    void malformedRangesAreClientErrors(String header) {
        RegistryException error = assertThrows(RegistryException.class, () -> ByteRange.parse(header));
        assertEquals("RANGE_INVALID", error.code().wireCode());
        assertEquals(HttpResponseStatus.BAD_REQUEST, error.status());
    }
}
