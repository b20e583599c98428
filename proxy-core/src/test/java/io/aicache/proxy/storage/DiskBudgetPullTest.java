package io.aicache.proxy.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** The disk budget holds while clients pull many blobs through aicache, and pinned images stay. */
class DiskBudgetPullTest {

    private static final String REPO = "org/app";
    private static final int BLOB_SIZE = 256 * 1024;
    private static final long BUDGET = 2L << 20;
    private static final long CHUNK = 64 * 1024;

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

    @Test
    void diskUseStaysWithinBudgetPinnedImagesStayAndEveryReadIsRight() throws Exception {
        byte[] pinnedLayer = TestBlobs.random(BLOB_SIZE, 999);
        String pinnedLayerDigest = upstream.addBlob(REPO, pinnedLayer);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = upstream.addBlob(REPO, config);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}
                """.formatted(configDigest, config.length, pinnedLayerDigest, pinnedLayer.length);
        upstream.addManifest(REPO, "pinned", TestBlobs.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
        List<byte[]> blobs = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blobs.add(TestBlobs.random(BLOB_SIZE, i));
            digests.add(upstream.addBlob(REPO, blobs.get(i)));
        }
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
                .set("storage.chunkSize", "64KiB")
                .set("storage.maxSize", "2MiB")
                .set("storage.pinned", List.of("registry.test/" + REPO + ":pinned"))
                .start();

        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/manifests/pinned"),
                "Accept", TestBlobs.OCI_MANIFEST).statusCode());
        assertArrayEquals(pinnedLayer, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + pinnedLayerDigest)).body());
        assertArrayEquals(config, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + configDigest)).body());

        for (int i = 0; i < blobs.size(); i += 2) {
            CompletableFuture<HttpResponse<byte[]>> first = client.getAsync(aicache.uri("/v2/" + REPO + "/blobs/" + digests.get(i)));
            CompletableFuture<HttpResponse<byte[]>> second =
                    client.getAsync(aicache.uri("/v2/" + REPO + "/blobs/" + digests.get(i + 1)));
            assertArrayEquals(blobs.get(i), first.join().body(), "blob " + i);
            assertArrayEquals(blobs.get(i + 1), second.join().body(), "blob " + (i + 1));
            long onDisk = bytesUnder(aicache.dataDir().resolve("blobs")) + bytesUnder(aicache.dataDir().resolve("partial"));
            assertTrue(onDisk <= BUDGET + 2 * CHUNK, "after blob " + (i + 1) + ": " + onDisk + " bytes on disk");
        }

        assertTrue(Files.exists(aicache.blobFile(pinnedLayerDigest)), "the pinned image's layer stays");
        assertTrue(Files.exists(aicache.blobFile(configDigest)), "the pinned image's config stays");
        assertArrayEquals(blobs.get(0), client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digests.get(0))).body(),
                "an evicted blob is fetched again, right");
    }

    private static long bytesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException vanished) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
