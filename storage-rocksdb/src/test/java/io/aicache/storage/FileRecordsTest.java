package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;
import io.aicache.storage.FileRecords.FileUrl;

class FileRecordsTest {

    @TempDir
    Path dir;

    private final FileUrl url = new FileUrl("github", "org/repo/releases/download/v1.0.0/app.yaml");
    private final Digest first = Digest.sha256Of("first".getBytes(StandardCharsets.UTF_8));
    private final Digest second = Digest.sha256Of("second".getBytes(StandardCharsets.UTF_8));

    @Test
    void aNewBodyAddsAVersionAndKeepsTheOldOneAcrossAReopen() {
        try (CacheIndex index = CacheIndex.open(dir, 8 << 20)) {
            FileRecords files = index.files();
            assertEquals(1, files.served(url, first, 5, "text/yaml", "\"a\"", "", 1_000).version().number());
            assertEquals(2, files.served(url, second, 6, "text/yaml", "\"b\"", "", 2_000).version().number());
        }
        try (CacheIndex index = CacheIndex.open(dir, 8 << 20)) {
            FileRecords files = index.files();
            List<FileVersion> versions = files.versions(url);
            assertEquals(List.of(first, second), versions.stream().map(FileVersion::digest).toList());
            assertEquals(1_000, versions.get(0).firstSeenMillis());
            assertEquals(new FileUrlRecord(2, "\"b\"", "", 2_000), files.url(url).orElseThrow());
        }
    }

    @Test
    void aBodyServedAgainIsTheSameVersionSeenLaterAndAConfirmationMovesItsLastSeen() {
        try (CacheIndex index = CacheIndex.open(dir, 8 << 20)) {
            FileRecords files = index.files();
            files.served(url, first, 5, "", "", "", 1_000);
            files.served(url, second, 6, "", "", "", 2_000);
            FileVersion again = files.served(url, first, 5, "", "", "Tue, 01 Dec 2026 10:00:00 GMT", 3_000).version();

            assertEquals(1, again.number());
            assertEquals(1_000, again.firstSeenMillis());
            assertEquals(3_000, again.lastSeenMillis());
            assertEquals(2, files.versions(url).size(), "nothing was overwritten or added");

            FileVersion confirmed = files.confirmed(url, 4_000).orElseThrow().version();
            assertEquals(1, confirmed.number());
            assertEquals(4_000, confirmed.lastSeenMillis());
            assertEquals(4_000, files.url(url).orElseThrow().validatedAtMillis());
            assertEquals("Tue, 01 Dec 2026 10:00:00 GMT", files.url(url).orElseThrow().lastModified());
        }
    }

    @Test
    void pinsAndDropsAreForOneVersionAndTheCurrentOneIsNeverDropped() {
        try (CacheIndex index = CacheIndex.open(dir, 8 << 20)) {
            FileRecords files = index.files();
            files.served(url, first, 5, "", "", "", 1_000);
            files.served(url, second, 6, "", "", "", 2_000);

            assertTrue(files.setPinned(url, 1, true));
            assertTrue(files.version(url, 1).orElseThrow().pinned());
            assertFalse(files.setPinned(url, 7, true));
            assertFalse(files.dropVersion(url, 2), "the current version stays");
            assertTrue(files.dropVersion(url, 1));
            assertEquals(List.of(2), files.versions(url).stream().map(FileVersion::number).toList());
        }
    }

    @Test
    void urlsAreListedPerRemoteAndAPathIsNotThePrefixOfAnother() {
        FileUrl shorter = new FileUrl("github", "org/repo/a");
        FileUrl longer = new FileUrl("github", "org/repo/a.yaml");
        try (CacheIndex index = CacheIndex.open(dir, 8 << 20)) {
            FileRecords files = index.files();
            files.served(shorter, first, 5, "", "", "", 1_000);
            files.served(longer, second, 6, "", "", "", 1_000);
            files.served(new FileUrl("raw", "x"), second, 6, "", "", "", 1_000);

            assertEquals(1, files.versions(shorter).size());
            List<String> listed = new ArrayList<>();
            files.forEachUrl((key, record) -> listed.add(key.toString()));
            assertEquals(List.of("github/org/repo/a", "github/org/repo/a.yaml", "raw/x"), listed);
        }
    }
}
