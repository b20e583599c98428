package io.aicache.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the end-to-end fixtures against each other: a generated image survives a push and pull unchanged. */
@Tag("e2e")
class DockerRegistryFixtureTest {

    private static final String REPOSITORY = "fixtures/three-layers";

    @TempDir
    Path tempDir;

    @Test
    void imagePushedToRegistryPullsBackWithSameDigests() throws IOException {
        OciImageLayout image = OciImageLayout.builder()
                .tag("1.0")
                .seed(42)
                .layerSizes(300 * 1024, 200 * 1024, 100 * 1024)
                .writeImage(tempDir.resolve("image"));
        Skopeo skopeo = new Skopeo(tempDir.resolve("skopeo"));

        try (DockerRegistryProcess registry = DockerRegistryProcess.start()) {
            skopeo.push(image, registry.hostPort(), REPOSITORY);
            PulledOciLayout pulled = skopeo.pull(registry.hostPort(), REPOSITORY, image.tag());

            assertEquals(image.manifestDigest(), pulled.manifestDigest());
            assertEquals(image.blobDigests(), pulled.blobDigests());
            for (OciDescriptor layer : image.layers()) {
                assertEquals(1, registry.countRequests("GET", blobUri(Pattern.quote(layer.digest()))),
                        "GETs of layer " + layer.digest());
            }
            assertEquals(image.layers().size() + 1, registry.countRequests("GET", blobUri("sha256:[0-9a-f]{64}")),
                    "blob GETs: every layer and the config, once each");
        }
    }

    private static String blobUri(String digestRegex) {
        return Pattern.quote("/v2/" + REPOSITORY + "/blobs/") + digestRegex;
    }
}
