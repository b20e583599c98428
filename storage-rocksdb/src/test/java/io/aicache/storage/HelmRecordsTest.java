package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;

class HelmRecordsTest {

    @TempDir
    Path dir;

    @Test
    void helmRecordsSurviveAReopenAndStayPerRepository() {
        Digest digest = Digest.sha256Of("chart".getBytes(StandardCharsets.UTF_8));
        HelmIndexRecord index = new HelmIndexRecord("\"abc\"", "Tue, 24 Nov 2026 10:00:00 GMT", 1234L, "ff00", 99L);
        try (CacheIndex cacheIndex = CacheIndex.open(dir, 8 << 20)) {
            cacheIndex.putHelmIndex("stable", index);
            cacheIndex.putHelmCharts("stable", Map.of(
                    "web-1.0.0.tgz", new HelmChartRecord("https://charts.example/web-1.0.0.tgz", digest),
                    "db-2.0.0.tgz", new HelmChartRecord("https://other.example/db-2.0.0.tgz", null)));
        }
        try (CacheIndex cacheIndex = CacheIndex.open(dir, 8 << 20)) {
            assertEquals(index, cacheIndex.helmIndex("stable").orElseThrow());
            assertEquals(new HelmChartRecord("https://charts.example/web-1.0.0.tgz", digest),
                    cacheIndex.helmChart("stable", "web-1.0.0.tgz").orElseThrow());
            assertTrue(cacheIndex.helmChart("stable", "db-2.0.0.tgz").orElseThrow().expectedDigest().isEmpty());
            assertTrue(cacheIndex.helmChart("other", "web-1.0.0.tgz").isEmpty(), "records are per repository");
            assertTrue(cacheIndex.helmIndex("other").isEmpty());
        }
    }
}
