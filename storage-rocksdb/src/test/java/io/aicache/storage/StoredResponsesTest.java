package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.BlobReference;
import io.aicache.model.Digest;
import io.aicache.model.Repository;

class StoredResponsesTest {

    private static final Digest SUBJECT = Digest.sha256Of("manifest".getBytes(StandardCharsets.UTF_8));
    private static final BlobReference ALPINE = new Repository("docker.io", "library/alpine").blob(SUBJECT);
    private static final List<String> SBOMS = List.of("application/spdx+json", "application/vnd.cyclonedx+json");

    @TempDir
    Path directory;

    @Test
    void keepsReferrersPerSubjectAndFilterAcrossAReopen() {
        StoredResponse all = new StoredResponse("application/vnd.oci.image.index.v1+json", "{\"all\":1}".getBytes(StandardCharsets.UTF_8), 10);
        StoredResponse sboms = new StoredResponse("application/vnd.oci.image.index.v1+json", "{\"sboms\":1}".getBytes(StandardCharsets.UTF_8), 20);
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            index.responses().putReferrers(ALPINE, List.of(), all);
            index.responses().putReferrers(ALPINE, SBOMS, sboms);
        }
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            StoredResponses responses = index.responses();
            assertArrayEquals(all.body(), responses.referrers(ALPINE, List.of()).orElseThrow().body());
            StoredResponse kept = responses.referrers(ALPINE, SBOMS).orElseThrow();
            assertArrayEquals(sboms.body(), kept.body());
            assertEquals(20, kept.fetchedAtMillis());
            assertTrue(responses.referrers(ALPINE, List.of("application/spdx+json")).isEmpty(), "kept per filter");
            assertTrue(responses.referrers(new Repository("docker.io", "library/busybox").blob(SUBJECT), List.of())
                    .isEmpty(), "kept per repository");
        }
    }

    @Test
    void aReferrersListIsKeptUnderTheKeyItAlwaysHad() {
        String subject = "referrers:docker.io/library/alpine@" + SUBJECT;
        assertArrayEquals(subject.getBytes(StandardCharsets.UTF_8), StoredResponses.referrersKey(ALPINE, List.of()));
        assertArrayEquals((subject + "?artifactType=application%2Fspdx%2Bjson&artifactType=application%2Fvnd.cyclonedx%2Bjson")
                .getBytes(StandardCharsets.UTF_8), StoredResponses.referrersKey(ALPINE, SBOMS));
    }
}
