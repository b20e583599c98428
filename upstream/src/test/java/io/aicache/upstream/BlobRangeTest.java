package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BlobRangeTest {

    @Test
    void asksForItsBytesInclusiveOrToTheEnd() {
        assertEquals("bytes=0-1023", new BlobRange(0, 1023).header());
        assertEquals("bytes=4096-", BlobRange.from(4096).header());
        assertEquals(new BlobRange(7, BlobRange.TO_THE_END), BlobRange.from(7));
    }

    @Test
    void refusesRangesThatNameNoBytes() {
        assertThrows(IllegalArgumentException.class, () -> new BlobRange(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new BlobRange(10, 9));
    }
}
