package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.Aicache;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * Real programs end to end: Debian's docker-registry (CNCF distribution) as the upstream,
 * skopeo as the client, aicache between them under the upstream's own name.
 */
@Tag("e2e")
class SkopeoPullThroughE2ETest {

    private static final String UPSTREAM_NAME = "registry.test";
    private static final Pattern ANY_BLOB_GET = Pattern.compile(".*/blobs/sha256:[0-9a-f]{64}");

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private Aicache aicache;
    private Skopeo skopeo;

    @BeforeEach
    void start() throws Exception {
        upstream = DockerRegistryProcess.start();
        aicache = Aicache.start(new ConfigLoader(name -> null).fromYaml("""
                server:
                  listen: "127.0.0.1:0"
                storage:
                  dataDir: "%s"
                upstream:
                  defaultRegistry: %s
                  registries:
                    - name: %s
                      endpoint: "%s"
                """.formatted(tempDir.resolve("cache"), UPSTREAM_NAME, UPSTREAM_NAME, upstream.endpoint()), "test"));
        skopeo = new Skopeo(tempDir.resolve("skopeo"));
    }

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void pullsImageThroughAicacheAndServesTheSecondPullFromItsDisk() throws IOException {
        OciImageLayout image = OciImageLayout.builder().tag("1.0").seed(7)
                .layerSizes(2 << 20, 512 * 1024, 64 * 1024, 1 << 20)
                .writeImage(tempDir.resolve("image"));
        skopeo.push(image, upstream.hostPort(), "team/app");

        PulledOciLayout first = skopeo.pull(mirror(), UPSTREAM_NAME + "/team/app", "1.0");
        int blobGetsAfterFirstPull = upstream.countRequests("GET", ANY_BLOB_GET.pattern());
        PulledOciLayout second = skopeo.pull(mirror(), UPSTREAM_NAME + "/team/app", "1.0");

        assertEquals(image.manifestDigest(), first.manifestDigest());
        assertEquals(image.blobDigests(), first.blobDigests());
        assertEquals(image.manifestDigest(), second.manifestDigest());
        assertEquals(image.blobDigests(), second.blobDigests());
        assertEquals(image.layers().size() + 1, blobGetsAfterFirstPull, "each layer and the config fetched once");
        assertEquals(blobGetsAfterFirstPull, upstream.countRequests("GET", ANY_BLOB_GET.pattern()),
                "the second pull sent no blob request upstream");
    }

    @Test
    void pullsEveryPlatformOfAMultiPlatformIndex() throws IOException {
        OciImageLayout index = OciImageLayout.builder().tag("multi").seed(11)
                .layerSizes(256 * 1024, 128 * 1024)
                .writeMultiPlatformIndex(tempDir.resolve("index"));
        skopeo.push(index, upstream.hostPort(), "team/multi");

        PulledOciLayout pulled = skopeo.pull(mirror(), UPSTREAM_NAME + "/team/multi", "multi");

        assertEquals(index.manifestDigest(), pulled.manifestDigest(), "the index is served byte for byte");
        assertTrue(pulled.blobDigests().containsAll(index.blobDigests()), "every platform's blobs came through");
    }

    private String mirror() {
        return "127.0.0.1:" + aicache.address().getPort();
    }
}
