package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;
import io.aicache.model.Repository;
import io.aicache.model.TagReference;

class TagStoreTest {

    private static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final TagReference ALPINE = new Repository("docker.io", "library/alpine").tag("3.20");
    private static final TagReference ON_A_PORT = new Repository("registry.test:5000", "team/app").tag("latest");

    @TempDir
    Path directory;

    @Test
    void keepsTagsAcrossAReopenAndForgetsDeletedOnes() {
        TagRecord first = new TagRecord(Digest.sha256Of("one".getBytes(StandardCharsets.UTF_8)), INDEX, 100, 1);
        TagRecord second = new TagRecord(Digest.sha256Of("two".getBytes(StandardCharsets.UTF_8)), INDEX, 200, 2);
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            TagStore tags = index.tags();
            tags.put(ALPINE, first);
            assertEquals(first, tags.get(ALPINE).orElseThrow());
            tags.put(ALPINE, second);
            assertEquals(second, tags.get(ALPINE).orElseThrow(), "a tag read before a write is not served after it");
            tags.put(ON_A_PORT, first);
        }
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            TagStore tags = index.tags();
            assertEquals(second, tags.get(ALPINE).orElseThrow());
            tags.delete(ON_A_PORT);
            assertTrue(tags.get(ON_A_PORT).isEmpty());
            assertTrue(tags.get(new Repository("docker.io", "library/alpine").tag("3.19")).isEmpty());
        }
    }

    @Test
    void walksEveryTagInKeyOrderByItsReference() {
        TagRecord record = new TagRecord(Digest.sha256Of("one".getBytes(StandardCharsets.UTF_8)), INDEX, 100, 1);
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            index.tags().put(ON_A_PORT, record);
            index.tags().put(ALPINE, record);
            Map<TagReference, TagRecord> walked = new LinkedHashMap<>();
            index.tags().forEach(walked::put);
            assertEquals(Map.of(ALPINE, record, ON_A_PORT, record), walked);
            assertEquals(ALPINE, walked.keySet().iterator().next(), "docker.io/... sorts before registry.test:5000/...");
        }
    }

    @Test
    void aTagIsKeptUnderTheKeyItAlwaysHad() {
        assertArrayEquals("docker.io/library/alpine:3.20".getBytes(StandardCharsets.UTF_8), TagStore.key(ALPINE));
        assertArrayEquals("registry.test:5000/team/app:latest".getBytes(StandardCharsets.UTF_8), TagStore.key(ON_A_PORT));
    }
}
