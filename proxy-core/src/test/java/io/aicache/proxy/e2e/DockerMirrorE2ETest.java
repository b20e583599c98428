package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.Closing;
import io.aicache.proxy.testsupport.AicacheProcess;
import io.aicache.proxy.testsupport.Cli;
import io.aicache.proxy.testsupport.DockerDaemon;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.OciDescriptor;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * The real Docker daemon end to end through {@code registry-mirrors}: Debian's dockerd 20.10 (a daemon of its
 * own, see {@link DockerDaemon}) pulls a bare Docker Hub name, {@code library/app:1.0}, and reaches aicache,
 * whose default registry is Debian's docker-registry holding the image the test pushed. Docker sends a mirror
 * only Docker Hub names, without the registry's name; aicache serves them from {@code upstream.defaultRegistry}.
 * No pull can go around aicache: Docker Hub itself is out of reach, so a failed mirror fails the pull.
 *
 * <p>aicache runs as {@code aicache serve} in a JVM of its own, writing its access log to a file: that log says
 * where each answer came from. The mirror is on a loopback address, which dockerd lets speak plain HTTP without
 * {@code insecure-registries}.
 */
@Tag("e2e")
class DockerMirrorE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPOSITORY = "library/app";
    private static final String TAG = "1.0";
    /** What dockerd is asked for: a Docker Hub name as users write it. */
    private static final String IMAGE = "app:" + TAG;
    private static final Set<String> LOCAL_TIERS = Set.of("memory", "disk");

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private AicacheProcess aicache;
    private DockerDaemon docker;
    private OciImageLayout image;
    private Path configFile;

    @BeforeEach
    void start() throws Exception {
        upstream = DockerRegistryProcess.start();
        image = OciImageLayout.builder().tag(TAG).seed(41).layerSizes(1 << 20, 256 * 1024)
                .writeImage(tempDir.resolve("image"));
        new Skopeo(tempDir.resolve("skopeo")).push(image, upstream.hostPort(), REPOSITORY);
        Path aicacheDir = Files.createDirectories(tempDir.resolve("aicache"));
        aicache = AicacheProcess.start(aicacheDir, """
                storage:
                  dataDir: "%s"
                logging:
                  accessLog: "%s"
                upstream:
                  defaultRegistry: docker.io
                  registries:
                    - name: docker.io
                      endpoint: "%s"
                """.formatted(aicacheDir.resolve("data"), accessLog(), upstream.endpoint()), Map.of());
        configFile = aicacheDir.resolve("aicache.yaml");
    }

    @AfterEach
    void stop() throws Exception {
        Closing.all(docker, aicache, upstream);
    }

    @Test
    void dockerPullsThroughTheMirrorAndAfterRmiPullsAgainFromAicachesDisk() throws IOException {
        String daemonJson = clientConfigDocker();
        docker = DockerDaemon.start(tempDir.resolve("d"), daemonJson, List.of(), Map.of());

        docker.docker("pull", IMAGE);
        assertPulled();
        List<String> blobs = blobDigests();
        for (String blob : blobs) {
            assertEquals(1, upstreamGets(blob), "aicache fetched " + blob + " from the registry once");
        }
        int firstPullLines = accessLogLines().size();

        docker.docker("rmi", IMAGE);
        assertTrue(docker.docker("images", "--quiet").stdout().isBlank(), "dockerd holds no image after rmi");
        docker.docker("pull", IMAGE);

        assertPulled();
        for (String blob : blobs) {
            assertEquals(1, upstreamGets(blob), "the second pull of " + blob + " did not reach the registry");
        }
        Eventually.until(() -> "the access log has the second pull's blobs: " + accessLogLines(),
                () -> blobLines(accessLogLines().subList(firstPullLines, accessLogLines().size())).size() >= blobs.size());
        List<JsonNode> secondPull = blobLines(accessLogLines().subList(firstPullLines, accessLogLines().size()));
        for (JsonNode line : secondPull) {
            assertEquals("docker.io", line.path("registry").asText(), line.toString());
            assertEquals(REPOSITORY, line.path("repository").asText(), line.toString());
            assertEquals(200, line.path("status").asInt(), line.toString());
            assertTrue(LOCAL_TIERS.contains(line.path("tier").asText()), "served from aicache: " + line);
        }
        assertEquals(Set.copyOf(blobs), secondPull.stream().map(line -> line.path("reference").asText())
                .collect(java.util.stream.Collectors.toSet()), "every blob of the second pull is in the access log");
    }

    @Test
    void dockerInDockersRegistryMirrorFlagPullsThroughAicache() throws IOException {
        // GitLab's Docker-in-Docker service passes the mirror as dockerd's flag, not in daemon.json.
        docker = DockerDaemon.start(tempDir.resolve("d"), "{}",
                List.of("--registry-mirror=" + mirrorUrl()), Map.of());

        docker.docker("pull", IMAGE);

        assertPulled();
        for (String blob : blobDigests()) {
            assertEquals(1, upstreamGets(blob), "aicache fetched " + blob + " from the registry once");
        }
    }

    /** {@code aicache client-config docker}'s {@code daemon.json} fragment, for this aicache. */
    private String clientConfigDocker() {
        Cli.Result result = Cli.run("client-config", "docker", "--mirror", mirrorUrl(), "--config", configFile.toString());
        assertEquals(0, result.exitCode(), result.err());
        return result.out();
    }

    /** dockerd has the image under the manifest's digest, with the config the test pushed as its id. */
    private void assertPulled() throws IOException {
        List<String> repoDigests = docker.repoDigests(IMAGE);
        assertTrue(repoDigests.stream().anyMatch(d -> d.endsWith("@" + image.manifestDigest())),
                "dockerd records " + image.manifestDigest() + ": " + repoDigests);
        assertEquals(image.configDigest(), docker.docker("image", "inspect", "--format", "{{.Id}}", IMAGE).stdout().strip());
    }

    private List<String> blobDigests() {
        List<String> blobs = new ArrayList<>(image.layers().stream().map(OciDescriptor::digest).toList());
        blobs.add(image.configDigest());
        return blobs;
    }

    private String mirrorUrl() {
        return aicache.uri("").toString();
    }

    private int upstreamGets(String digest) throws IOException {
        return upstream.countRequests("GET", Pattern.quote("/v2/" + REPOSITORY + "/blobs/" + digest));
    }

    private Path accessLog() {
        return tempDir.resolve("access.log");
    }

    private List<String> accessLogLines() {
        try {
            return Files.exists(accessLog()) ? Files.readAllLines(accessLog()) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The access log's lines for blob {@code GET}s. */
    private static List<JsonNode> blobLines(List<String> lines) {
        List<JsonNode> blobs = new ArrayList<>();
        for (String line : lines) {
            try {
                JsonNode json = JSON.readTree(line);
                if (json.path("route").asText().equals("blob") && json.path("method").asText().equals("GET")) {
                    blobs.add(json);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON access log line: " + line, e);
            }
        }
        return blobs;
    }
}
