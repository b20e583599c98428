package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
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
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.Skopeo;
import io.aicache.proxy.testsupport.TestBlobs;

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

    @Test
    void aHeadOfASha512BlobUpstreamHoldsAnswersWithItsSize() throws Exception {
        // distribution keeps blobs by sha256: its HEAD of a sha512 digest announces the sha256 one.
        byte[] blob = TestBlobs.random(70_000, 11);
        String digest = "sha512:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(blob));
        RegistryTestClient client = new RegistryTestClient();
        HttpResponse<byte[]> upload = client.send("POST", URI.create(upstream.endpoint() + "/v2/team/app/blobs/uploads/"));
        String location = upload.headers().firstValue("Location").orElseThrow();
        URI put = upstream.endpoint().resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        assertEquals(201, client.send("PUT", put, blob, "Content-Type", "application/octet-stream").statusCode());

        URI viaAicache = URI.create("http://" + mirror() + "/v2/team/app/blobs/" + digest);
        HttpResponse<byte[]> head = client.head(viaAicache);
        assertEquals(200, head.statusCode(), new String(head.body(), StandardCharsets.UTF_8));
        assertEquals(String.valueOf(blob.length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, head.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertArrayEquals(blob, client.get(viaAicache).body());
    }

    private String mirror() {
        return "127.0.0.1:" + aicache.address().getPort();
    }
}
