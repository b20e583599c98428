package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        try (CacheIndex opened = CacheIndex.open(dir, 8 << 20)) {
            HelmRecords helm = opened.helm();
            helm.putIndex("stable", index);
            helm.putCharts("stable", Map.of(
                    "web-1.0.0.tgz", new HelmChartRecord("https://charts.example/web-1.0.0.tgz", digest),
                    "db-2.0.0.tgz", new HelmChartRecord("https://other.example/db-2.0.0.tgz", null)));
        }
        try (CacheIndex opened = CacheIndex.open(dir, 8 << 20)) {
            HelmRecords helm = opened.helm();
            assertEquals(index, helm.index("stable").orElseThrow());
            assertEquals(new HelmChartRecord("https://charts.example/web-1.0.0.tgz", digest),
                    helm.chart("stable", "web-1.0.0.tgz").orElseThrow());
            assertTrue(helm.chart("stable", "db-2.0.0.tgz").orElseThrow().expectedDigest().isEmpty());
            assertTrue(helm.chart("other", "web-1.0.0.tgz").isEmpty(), "records are per repository");
            assertTrue(helm.index("other").isEmpty());
        }
    }

    @Test
    void recordsAreKeptUnderTheKeysTheyAlwaysHad() {
        assertArrayEquals("i\0stable".getBytes(StandardCharsets.UTF_8), HelmRecords.indexKey("stable"));
        assertArrayEquals("c\0stable\0web-1.0.0.tgz".getBytes(StandardCharsets.UTF_8),
                HelmRecords.chartKey("stable", "web-1.0.0.tgz"));
    }
}
