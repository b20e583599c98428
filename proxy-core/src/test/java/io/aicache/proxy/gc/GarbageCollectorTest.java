package io.aicache.proxy.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Garbage collection over images pulled through aicache: what kept tags, pins and recent
 * manifests reference stays, the rest goes once unused for the minimum age; a dry run only
 * reports.
 */
class GarbageCollectorTest {

    private static final String REGISTRY = "registry.test";
    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        upstream.close();
    }

    /** An image's digests: manifest, config, layers. */
    private record Image(String manifest, String config, List<String> layers) {
        Set<String> all() {
            Set<String> all = new java.util.HashSet<>(layers);
            all.add(manifest);
            all.add(config);
            return all;
        }
    }

    @Test
    void collectsWhatNoKeptTagPinOrRecentManifestReferences() throws Exception {
        byte[] shared = TestBlobs.random(50_000, 1);
        Image kept = addImage("kept", shared, TestBlobs.random(50_000, 2));
        Image expired = addImage("expired", shared, TestBlobs.random(50_000, 3));
        Image pinned = addImage("pinned", TestBlobs.random(50_000, 4));
        byte[] orphanBytes = TestBlobs.random(70_000, 5);
        String orphan = upstream.addBlob(REPO, orphanBytes);
        aicache = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint())
                .set("storage.gc.minAge", "0s")
                .set("storage.gc.tagRetention", "1d")
                .set("storage.pinned", List.of(REGISTRY + "/" + REPO + ":pinned"))
                .start();
        pullImage("kept", kept);
        pullImage("expired", expired);
        pullImage("pinned", pinned);
        pull(orphan);
        aicache.backdateTag(REGISTRY, REPO, "expired", Duration.ofDays(2));
        aicache.backdateTag(REGISTRY, REPO, "pinned", Duration.ofDays(2));

        Set<String> expectedGone = new java.util.HashSet<>(expired.all());
        expectedGone.remove(expired.layers().get(0));
        expectedGone.add(orphan);

        GcReport dryRun = aicache.garbageCollector().collect(true);
        assertTrue(dryRun.dryRun());
        assertEquals(expectedGone, digests(dryRun));
        assertEquals(List.of(REGISTRY + "/" + REPO + ":expired"), dryRun.tags().stream().map(GcReport.Tag::tag).toList());
        for (String digest : expectedGone) {
            assertTrue(Files.exists(aicache.blobFile(digest)), "a dry run deletes nothing");
        }
        assertTrue(new ObjectMapper().writeValueAsString(dryRun).contains(orphan));

        GcReport collected = aicache.garbageCollector().collect(false);
        assertFalse(collected.dryRun());
        assertEquals(expectedGone, digests(collected));
        assertEquals(dryRun.bytes(), collected.bytes());
        for (String digest : expectedGone) {
            assertFalse(Files.exists(aicache.blobFile(digest)), digest + " was collected");
        }
        for (Image stays : List.of(kept, pinned)) {
            for (String digest : stays.all()) {
                assertTrue(Files.exists(aicache.blobFile(digest)), digest + " stays");
            }
        }
        assertTrue(aicache.garbageCollector().collect(true).blobs().isEmpty(), "nothing left to collect");

        assertArrayEquals(orphanBytes, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + orphan)).body(),
                "a collected blob is fetched again");
        assertEquals(2, upstream.blobRequests("GET", REPO, orphan));
    }

    @Test
    void blobsUsedWithinTheMinimumAgeStay() throws Exception {
        String orphan = upstream.addBlob(REPO, TestBlobs.random(70_000, 6));
        aicache = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint()).start();
        pull(orphan);

        assertTrue(aicache.garbageCollector().collect(false).blobs().isEmpty());
        assertTrue(Files.exists(aicache.blobFile(orphan)));
    }

    private Image addImage(String tag, byte[]... layers) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"tag\":\"" + tag + "\"}").getBytes(StandardCharsets.UTF_8);
        String configDigest = upstream.addBlob(REPO, config);
        List<String> layerDigests = new java.util.ArrayList<>();
        StringBuilder descriptors = new StringBuilder();
        for (byte[] layer : layers) {
            String digest = upstream.addBlob(REPO, layer);
            layerDigests.add(digest);
            descriptors.append(descriptors.isEmpty() ? "" : ",").append("""
                    {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}"""
                    .formatted(digest, layer.length));
        }
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[%s]}""".formatted(configDigest, config.length, descriptors);
        String manifestDigest = upstream.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
        return new Image(manifestDigest, configDigest, layerDigests);
    }

    private void pullImage(String tag, Image image) {
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/manifests/" + tag), "Accept", TestBlobs.OCI_MANIFEST)
                .statusCode());
        pull(image.config());
        image.layers().forEach(this::pull);
    }

    private void pull(String digest) {
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest)).statusCode());
    }

    private static Set<String> digests(GcReport report) {
        return report.blobs().stream().map(GcReport.Blob::digest).collect(Collectors.toSet());
    }
}
