package io.aicache.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.model.Digest;
import io.aicache.model.Repository;

class BlobLinksTest {

    private static final Repository TEAM_A = new Repository("registry.test:5000", "team-a/app");
    private static final Repository TEAM_B = new Repository("registry.test:5000", "team-b/app");
    private static final Repository ALPINE = new Repository("docker.io", "library/alpine");

    @TempDir
    Path directory;

    @Test
    void aLinkIsPerRepositoryAndSurvivesAReopen() {
        Digest digest = Digest.sha256Of("layer".getBytes(StandardCharsets.UTF_8));
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            BlobLinks links = index.links();
            assertFalse(links.has(TEAM_A.blob(digest)));
            links.link(TEAM_A.blob(digest));
            assertTrue(links.has(TEAM_A.blob(digest)), "an absence read before the link is not served after it");
            assertFalse(links.has(TEAM_B.blob(digest)));
        }
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            assertTrue(index.links().has(TEAM_A.blob(digest)));
            assertFalse(index.links().has(TEAM_B.blob(digest)));
        }
    }

    @Test
    void unlinkingABlobDropsEveryLinkOfItAndNoOther() {
        Digest gone = Digest.sha256Of("gone".getBytes(StandardCharsets.UTF_8));
        Digest kept = Digest.sha256Of("kept".getBytes(StandardCharsets.UTF_8));
        Digest sha512 = Digest.parse("sha512:" + "ab".repeat(64));
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            BlobLinks links = index.links();
            links.link(TEAM_A.blob(gone));
            links.link(ALPINE.blob(gone));
            links.link(TEAM_B.blob(kept));
            links.link(TEAM_B.blob(sha512));
            assertEquals(List.of(ALPINE, TEAM_A), links.repositoriesOf(gone), "in key order: docker.io first");
            assertTrue(links.has(TEAM_A.blob(gone)));

            links.unlinkAll(gone);

            assertFalse(links.has(TEAM_A.blob(gone)));
            assertFalse(links.has(ALPINE.blob(gone)));
            assertEquals(List.of(), links.repositoriesOf(gone));
            assertTrue(links.has(TEAM_B.blob(kept)));
            assertEquals(List.of(TEAM_B), links.repositoriesOf(sha512));
        }
    }

    @Test
    void unlinkingWhereAPredicateSaysDropsTheLinksOfTheBlobsItSelects() {
        Digest neverKept = Digest.sha256Of("never".getBytes(StandardCharsets.UTF_8));
        Digest kept = Digest.sha256Of("kept".getBytes(StandardCharsets.UTF_8));
        Digest sha512 = Digest.parse("sha512:" + "cd".repeat(64));
        try (CacheIndex index = CacheIndex.open(directory, 8 << 20)) {
            BlobLinks links = index.links();
            links.link(TEAM_A.blob(neverKept));
            links.link(TEAM_B.blob(neverKept));
            links.link(TEAM_A.blob(kept));
            links.link(TEAM_A.blob(sha512));
            assertTrue(links.has(TEAM_B.blob(neverKept)));

            assertEquals(3, links.unlinkWhere(digest -> !digest.equals(kept)));

            assertFalse(links.has(TEAM_A.blob(neverKept)), "an entry in memory is not served after the sweep");
            assertFalse(links.has(TEAM_B.blob(neverKept)));
            assertFalse(links.has(TEAM_A.blob(sha512)));
            assertTrue(links.has(TEAM_A.blob(kept)));
        }
    }

    @Test
    void aBlobTheStoreLetsGoTakesItsLinksWithIt() {
        byte[] bytes = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(bytes);
        byte[] otherBytes = "{\"schemaVersion\":2,\"other\":1}".getBytes(StandardCharsets.UTF_8);
        Digest other = Digest.sha256Of(otherBytes);
        try (BlobStore store = BlobStore.open(directory, 8 << 20)) {
            store.putSmall(digest, bytes, "application/vnd.oci.image.manifest.v1+json");
            store.links().link(TEAM_A.blob(digest));
            assertEquals(BlobStore.Removal.REMOVED, store.remove(digest), "an operator's purge");
            assertFalse(store.links().has(TEAM_A.blob(digest)));

            BlobRecord kept = store.putSmall(other, otherBytes, "application/vnd.oci.image.manifest.v1+json");
            store.links().link(TEAM_B.blob(other));
            assertTrue(store.removeIfUnchanged(kept), "garbage collection, a scrub that found it broken");
            assertFalse(store.links().has(TEAM_B.blob(other)));
        }
    }
}
