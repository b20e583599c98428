package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.AicacheProcess;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * Two edge caches with one parent (upstream.parent), each an aicache process of its own, in front of Debian's
 * docker-registry, pulled through with skopeo: the parent fetches each blob from the registry once for both
 * edges; with the parent stopped the edges go to the registry themselves; with the registry stopped too, each
 * edge serves what it holds.
 */
@Tag("e2e")
class TieredCacheE2ETest {

    private static final String REGISTRY = "registry.test";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess registry;
    private AicacheProcess parent;
    private AicacheProcess[] edges;

    @AfterEach
    void stop() {
        if (edges != null) {
            for (AicacheProcess edge : edges) {
                if (edge != null) {
                    edge.close();
                }
            }
        }
        if (parent != null) {
            parent.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void edgesShareTheParentsCopyAndFallBackToTheRegistryThenToWhatTheyHold() throws IOException {
        registry = DockerRegistryProcess.start();
        Skopeo skopeo = new Skopeo(tempDir.resolve("skopeo"));
        OciImageLayout first = OciImageLayout.builder().tag("1.0").seed(31)
                .layerSizes(3 << 20, 700 * 1024, 64 * 1024).writeImage(tempDir.resolve("first"));
        skopeo.push(first, registry.hostPort(), "team/app");
        parent = start("parent", "");
        edges = new AicacheProcess[] {
                start("edge-a", "  parent: {url: \"" + parent.uri("") + "\"}\n"),
                start("edge-b", "  parent: {url: \"" + parent.uri("") + "\"}\n")};

        for (AicacheProcess edge : edges) {
            assertPulled(first, skopeo.pull(mirror(edge), REGISTRY + "/team/app", "1.0"));
        }
        for (String blob : first.pulledBlobDigests()) {
            assertEquals(1, registry.countRequests("GET", ".*/blobs/" + blob + ".*"),
                    "the registry sent " + blob + " once, to the parent, for both edges");
        }

        parent.close();
        parent = null;
        OciImageLayout second = OciImageLayout.builder().tag("2.0").seed(32)
                .layerSizes(2 << 20, 128 * 1024).writeImage(tempDir.resolve("second"));
        skopeo.push(second, registry.hostPort(), "team/other");
        for (AicacheProcess edge : edges) {
            assertPulled(second, skopeo.pull(mirror(edge), REGISTRY + "/team/other", "2.0"));
        }
        for (String blob : second.pulledBlobDigests()) {
            assertEquals(edges.length, registry.countRequests("GET", ".*/blobs/" + blob + ".*"),
                    "with the parent down, each edge fetched " + blob + " from the registry itself");
        }

        registry.close();
        registry = null;
        for (AicacheProcess edge : edges) {
            assertPulled(first, skopeo.pull(mirror(edge), REGISTRY + "/team/app", "1.0"));
            assertPulled(second, skopeo.pull(mirror(edge), REGISTRY + "/team/other", "2.0"));
        }
    }

    /** An aicache mirroring the registry, with {@code upstreamExtra} (indented keys) added under upstream. */
    private AicacheProcess start(String name, String upstreamExtra) throws IOException {
        Path dir = Files.createDirectories(tempDir.resolve(name));
        return AicacheProcess.start(dir, """
                storage:
                  dataDir: "%s"
                upstream:
                  defaultRegistry: %s
                  registries:
                    - name: %s
                      endpoint: "%s"
                """.formatted(dir.resolve("data"), REGISTRY, REGISTRY, registry.endpoint()) + upstreamExtra, Map.of());
    }

    private static void assertPulled(OciImageLayout image, PulledOciLayout pulled) {
        assertEquals(image.manifestDigest(), pulled.manifestDigest());
        assertEquals(image.blobDigests(), pulled.blobDigests());
    }

    private static String mirror(AicacheProcess aicache) {
        return aicache.uri("").getAuthority();
    }
}
