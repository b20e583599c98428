package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class FillRecordsTest {

    private static final Digest FIRST = Digest.sha256Of("first".getBytes(StandardCharsets.UTF_8));
    private static final Digest SECOND = Digest.sha256Of("second".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path directory;

    @Test
    void keepsWhichChunksLandedAcrossAReopen() {
        BitSet landed = new BitSet();
        landed.set(0);
        landed.set(2);
        FillRecord first = new FillRecord(FIRST, 300 * 1024, 64 * 1024, landed);
        FillRecord second = new FillRecord(SECOND, -1, 64 * 1024, new BitSet());
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            index.fills().put(first);
            index.fills().put(second);
        }
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            FillRecords fills = index.fills();
            assertEquals(first, fills.get(FIRST).orElseThrow());
            assertEquals(landed, fills.get(FIRST).orElseThrow().landedChunks());
            Map<Digest, FillRecord> walked = new HashMap<>();
            fills.forEach(walked::put);
            assertEquals(Map.of(FIRST, first, SECOND, second), walked);

            fills.delete(FIRST);
            assertTrue(fills.get(FIRST).isEmpty());
            assertEquals(second, fills.get(SECOND).orElseThrow());
        }
    }
}
