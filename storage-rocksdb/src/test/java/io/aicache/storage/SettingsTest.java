package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class SettingsTest {

    @TempDir
    Path directory;

    @Test
    void aSettingSurvivesAReopenBesideTheBlobTotal() {
        byte[] pins = "docker.io/library/alpine:3.20\ndocker.io/library/busybox:1".getBytes(StandardCharsets.UTF_8);
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            assertTrue(index.settings().get("pins").isEmpty());
            index.settings().put("pins", pins);
            index.blobs().put(new BlobRecord(Digest.sha256Of(pins), 40, "application/octet-stream", 1));
        }
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            assertArrayEquals(pins, index.settings().get("pins").orElseThrow());
            assertEquals(40, index.blobs().totalBytes(), "settings do not disturb the blob total they sit beside");
            index.settings().put("pins", new byte[0]);
            assertArrayEquals(new byte[0], index.settings().get("pins").orElseThrow());
        }
    }
}
