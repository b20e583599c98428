package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.Closing;
import io.aicache.proxy.testsupport.DockerDaemon;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.Skopeo;
import io.aicache.proxy.testsupport.TestPki;

/**
 * The real Docker daemon through aicache's HTTPS proxy: a registry other than Docker Hub, which Docker never
 * sends to a mirror. dockerd 20.10 gets {@code HTTPS_PROXY} in its environment (what a systemd drop-in gives
 * it; Docker 23 and later also read {@code proxies} from {@code daemon.json}) and aicache's CA in
 * {@code certs.d} for the registry's host. The registry is Debian's docker-registry serving HTTPS under a
 * host name of this test's own that resolves nowhere: dockerd can reach it only through the proxy, which
 * intercepts it and serves it from aicache's cache.
 */
@Tag("e2e")
class DockerProxyE2ETest {

    /** Unique per run: dockerd's certs.d is shared by the machine, and the directory is this test's alone. */
    private final String host = "registry-" + UUID.randomUUID().toString().substring(0, 8) + ".aicache.test";
    private static final String ANY_BLOB_GET = ".*/blobs/sha256:[0-9a-f]{64}";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private RunningAicache aicache;
    private DockerDaemon docker;
    private OciImageLayout image;

    @BeforeEach
    void start() throws Exception {
        TestPki registryPki = TestPki.create(tempDir.resolve("registry-pki"), host, "127.0.0.1");
        upstream = DockerRegistryProcess.startTls(registryPki);
        aicache = RunningAicache.builder()
                .upstreamTrusting(host, upstream.endpoint(), registryPki.caFile())
                .set("proxy.enabled", true)
                .set("proxy.listen", "127.0.0.1:0")
                .set("proxy.intercept", List.of(host))
                .start();
        image = OciImageLayout.builder().tag("1.0").seed(43).layerSizes(1 << 20, 128 * 1024)
                .writeImage(tempDir.resolve("image"));
        new Skopeo(tempDir.resolve("skopeo")).push(image, upstream.hostPort(), "team/app");
    }

    @AfterEach
    void stop() throws Exception {
        Closing.all(docker, aicache, upstream);
    }

    @Test
    void dockerPullsAnotherRegistrysImageThroughTheProxyAndAgainFromTheCache() throws IOException {
        String proxy = "http://127.0.0.1:" + aicache.proxyAddress().getPort();
        docker = DockerDaemon.start(tempDir.resolve("d"), "{}", List.of(), Map.of("HTTPS_PROXY", proxy));
        docker.trustRegistryCa(host, aicache.dataDir().resolve("ca").resolve("ca.pem"));
        String reference = host + "/team/app:1.0";

        docker.docker("pull", reference);
        assertPulled(reference);
        int blobGetsAfterFirstPull = upstream.countRequests("GET", ANY_BLOB_GET);
        double localAnswersAfterFirstPull = localBlobAnswers();

        docker.docker("rmi", reference);
        docker.docker("pull", reference);

        assertPulled(reference);
        assertTrue(blobGetsAfterFirstPull >= image.layers().size() + 1, "the first pull fetched the config and layers");
        assertEquals(blobGetsAfterFirstPull, upstream.countRequests("GET", ANY_BLOB_GET),
                "the second pull sent no blob GET to the registry");
        assertTrue(localBlobAnswers() >= localAnswersAfterFirstPull + image.layers().size() + 1,
                "aicache answered the second pull's blobs from memory or disk");
    }

    private void assertPulled(String reference) throws IOException {
        List<String> repoDigests = docker.repoDigests(reference);
        assertTrue(repoDigests.contains(host + "/team/app@" + image.manifestDigest()),
                "dockerd records " + image.manifestDigest() + ": " + repoDigests);
        assertEquals(image.configDigest(), docker.docker("image", "inspect", "--format", "{{.Id}}", reference).stdout().strip());
    }

    private double localBlobAnswers() {
        return aicache.metric("aicache_cache_answers_total", "route", "blob", "tier", "memory")
                + aicache.metric("aicache_cache_answers_total", "route", "blob", "tier", "disk");
    }
}
