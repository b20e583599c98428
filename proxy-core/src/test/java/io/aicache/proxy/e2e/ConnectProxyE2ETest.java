package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.Curl;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.OciDescriptor;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.Skopeo;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.proxy.testsupport.TestPki;

/**
 * The CONNECT listener with real programs: Debian's docker-registry serving HTTPS under a test
 * host name as the upstream, curl and skopeo as clients behind the proxy trusting only
 * aicache's CA for the intercepted registry.
 */
@Tag("e2e")
class ConnectProxyE2ETest {

    private static final String HOST = "registry.aicache.test";
    private static final String ANY_BLOB_GET = ".*/blobs/sha256:[0-9a-f]{64}";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private RunningAicache aicache;
    private Skopeo skopeo;
    private OciImageLayout image;

    @BeforeEach
    void start() throws Exception {
        TestPki registryPki = TestPki.create(tempDir.resolve("registry-pki"), HOST, "127.0.0.1");
        upstream = DockerRegistryProcess.startTls(registryPki);
        aicache = RunningAicache.builder()
                .upstreamTrusting(HOST, upstream.endpoint(), registryPki.caFile())
                .set("proxy.enabled", true)
                .set("proxy.listen", "127.0.0.1:0")
                .set("proxy.intercept", List.of(HOST))
                // The tunnel test reaches the registry on loopback at its own port.
                .set("proxy.allowPrivateAddresses", true)
                .set("proxy.allowedPorts", List.of(443, upstream.endpoint().getPort()))
                .start();
        skopeo = new Skopeo(tempDir.resolve("skopeo"));
        image = OciImageLayout.builder().tag("1.0").seed(11).layerSizes(3 << 20, 256 * 1024)
                .writeImage(tempDir.resolve("image"));
        skopeo.push(image, upstream.hostPort(), "team/app");
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
    void curlFetchesABlobThroughTheInterceptedRegistry() throws IOException {
        OciDescriptor layer = image.layers().get(0);
        Path body = tempDir.resolve("layer");

        Curl.Result result = Curl.get("https://" + HOST + "/v2/team/app/blobs/" + layer.digest(), body,
                "--proxy", proxyUri().toString(), "--cacert", aicacheCa().toString());

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(200, result.status());
        assertEquals(layer.digest(), TestBlobs.digestOf(Files.readAllBytes(body)));
    }

    @Test
    void skopeoPullsThroughTheProxyAndTheSecondPullComesFromTheCache() throws IOException {
        Path certDir = Files.createDirectories(tempDir.resolve("certs"));
        Files.copy(aicacheCa(), certDir.resolve("aicache.crt"));
        Skopeo behindProxy = skopeo.viaProxy(proxyUri());

        PulledOciLayout first = pull(behindProxy, certDir, "first");
        int blobGetsAfterFirstPull = upstream.countRequests("GET", ANY_BLOB_GET);
        PulledOciLayout second = pull(behindProxy, certDir, "second");

        assertEquals(image.manifestDigest(), first.manifestDigest());
        assertEquals(image.blobDigests(), first.blobDigests());
        assertEquals(image.manifestDigest(), second.manifestDigest());
        assertEquals(image.blobDigests(), second.blobDigests());
        assertTrue(blobGetsAfterFirstPull >= image.layers().size(), "the first pull fetched the layers upstream");
        assertEquals(blobGetsAfterFirstPull, upstream.countRequests("GET", ANY_BLOB_GET),
                "the second pull sent no blob GET upstream");
    }

    @Test
    void hostNotInterceptedIsTunnelledUntouched() throws IOException {
        OciDescriptor layer = image.layers().get(1);
        Path body = tempDir.resolve("tunnelled");
        Path registryCa = tempDir.resolve("registry-pki").resolve("ca.pem");

        // Trusting only the registry's own CA: the TLS session is the registry's, end to end.
        Curl.Result result = Curl.get(upstream.endpoint() + "/v2/team/app/blobs/" + layer.digest(), body,
                "--proxy", proxyUri().toString(), "--cacert", registryCa.toString());

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(200, result.connectStatus());
        assertEquals(200, result.status());
        assertEquals(layer.digest(), TestBlobs.digestOf(Files.readAllBytes(body)));
    }

    @Test
    void hostNotListedIsRefusedWith403WhenTheProxyServesListedHostsOnly() throws Exception {
        aicache.restartWith("proxy.listedOnly", true);
        Path body = tempDir.resolve("refused");

        Curl.Result result = Curl.get(upstream.endpoint() + "/v2/", body,
                "--proxy", proxyUri().toString(), "--cacert", aicacheCa().toString());

        assertEquals(403, result.connectStatus());
        assertTrue(result.exitCode() != 0, "curl reports the refused tunnel");
        assertTrue(result.stderr().contains("403"), result.stderr());
    }

    private PulledOciLayout pull(Skopeo client, Path certDir, String name) throws IOException {
        Path layout = tempDir.resolve(name);
        client.copy("docker://" + HOST + "/team/app:1.0", "oci:" + layout + ":1.0",
                "--src-cert-dir", certDir.toString(), "--preserve-digests", "--all");
        return PulledOciLayout.read(layout);
    }

    private URI proxyUri() {
        return URI.create("http://127.0.0.1:" + aicache.proxyAddress().getPort());
    }

    private Path aicacheCa() {
        return aicache.dataDir().resolve("ca").resolve("ca.pem");
    }
}
