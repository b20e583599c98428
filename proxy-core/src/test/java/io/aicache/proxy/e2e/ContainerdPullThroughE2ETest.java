package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.Aicache;
import io.aicache.proxy.cli.AicacheCommand;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.Closing;
import io.aicache.proxy.testsupport.ContainerdProcess;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.OciDescriptor;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.Skopeo;
import picocli.CommandLine;

/**
 * Real containerd end to end: Debian's containerd 1.6 (its own daemon, socket and content store) pulls with
 * {@code ctr --hosts-dir} through aicache, whose {@code hosts.toml} files come from
 * {@code aicache client-config containerd}; Debian's docker-registry is the upstream.
 *
 * <p>The image is named {@code registry.test:5000/...}: a name that resolves nowhere, so the pull can only
 * succeed through the mirror ({@code server}, containerd's fallback, is unreachable). containerd sends the
 * mirror {@code ?ns=registry.test%3A5000}, which aicache maps to the docker-registry it is configured with;
 * aicache's default registry is another one that refuses connections, so only that mapping can succeed.
 *
 * <p>ctr needs no {@code --plain-http}: the {@code [host."http://..."]} URL in {@code hosts.toml} carries
 * the scheme. Layers are unpacked with the {@code native} snapshotter (overlayfs works too when run as root
 * on a file system that can be an overlay's upper layer, which is not the case inside every container).
 */
@Tag("e2e")
class ContainerdPullThroughE2ETest {

    private static final String REGISTRY = "registry.test:5000";
    /** aicache's default registry: requests without a usable {@code ns} would go here, and fail. */
    private static final String OTHER_REGISTRY = "other.test";
    private static final String REPOSITORY = "team/app";
    private static final String TAG = "1.0";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private Aicache aicache;
    private ContainerdProcess containerd;
    private String aicacheConfig;

    @BeforeEach
    void start() throws Exception {
        upstream = DockerRegistryProcess.start();
        aicacheConfig = """
                server:
                  listen: "127.0.0.1:0"
                storage:
                  dataDir: "%s"
                upstream:
                  defaultRegistry: "%s"
                  registries:
                    - name: "%s"
                      endpoint: "http://127.0.0.1:9"
                    - name: "%s"
                      endpoint: "%s"
                """.formatted(cacheDir(), OTHER_REGISTRY, OTHER_REGISTRY, REGISTRY, upstream.endpoint());
        aicache = Aicache.start(new ConfigLoader(name -> null).fromYaml(aicacheConfig, "test"));
        containerd = ContainerdProcess.start(tempDir.resolve("containerd"));
    }

    @AfterEach
    void stop() throws Exception {
        Closing.all(containerd, aicache, upstream);
    }

    @Test
    void ctrPullsThroughAicacheWithGeneratedHostsToml() throws IOException {
        OciImageLayout image = OciImageLayout.builder().tag(TAG).seed(31)
                .layerSizes(1 << 20, 256 * 1024, 64 * 1024)
                .writeImage(tempDir.resolve("image"));
        new Skopeo(tempDir.resolve("skopeo")).push(image, upstream.hostPort(), REPOSITORY);
        Path hostsDir = writeHostsTomlWithClientConfig();
        String reference = REGISTRY + "/" + REPOSITORY + ":" + TAG;

        pull(hostsDir, reference);

        List<OciDescriptor> blobs = new ArrayList<>(image.layers());
        blobs.add(image.platformImages().get(0).config());
        for (OciDescriptor blob : blobs) {
            assertEquals(1, upstreamGets(blob), "aicache fetched " + blob.digest() + " from upstream once");
            Path kept = cacheDir().resolve("blobs/sha256").resolve(hex(blob.digest()).substring(0, 2))
                    .resolve(hex(blob.digest()));
            assertTrue(Files.isRegularFile(kept), "aicache keeps " + kept);
            assertEquals(blob.size(), Files.size(kept), "size of " + kept);
        }
        assertListedAndUnpacked(reference, image.manifestDigest());

        // containerd forgets the image and its content; the next pull is answered from aicache's disk.
        containerd.ctr("images", "rm", "--sync", reference);
        assertEquals("", containerd.ctr("content", "ls", "-q").stdout().strip(), "containerd's content store is empty");
        pull(hostsDir, reference);

        for (OciDescriptor blob : blobs) {
            assertEquals(1, upstreamGets(blob), "the second pull of " + blob.digest() + " did not reach upstream");
        }
        assertListedAndUnpacked(reference, image.manifestDigest());
    }

    /** The pull: the registry name must find {@code <hostsDir>/registry.test:5000/hosts.toml}. */
    private void pull(Path hostsDir, String reference) throws IOException {
        containerd.ctr("images", "pull", "--hosts-dir", hostsDir.toString(),
                "--snapshotter", ContainerdProcess.SNAPSHOTTER, "--platform", "linux/amd64", reference);
    }

    private int upstreamGets(OciDescriptor blob) throws IOException {
        return upstream.countRequests("GET", Pattern.quote("/v2/" + REPOSITORY + "/blobs/" + blob.digest()));
    }

    /** {@code ctr images ls} shows the manifest digest; {@code ctr images check} says complete and unpacked. */
    private void assertListedAndUnpacked(String reference, String manifestDigest) throws IOException {
        String listed = imageLine(containerd.ctr("images", "ls").stdout(), reference);
        assertTrue(listed.contains(" " + manifestDigest + " "), "ctr images ls shows " + manifestDigest + ": " + listed);
        String checked = imageLine(containerd.ctr("images", "check", "--snapshotter", ContainerdProcess.SNAPSHOTTER,
                "name==" + reference).stdout(), reference);
        assertTrue(checked.matches(".* complete \\(\\d+/\\d+\\) .* true\\s*"), "ctr images check: " + checked);
    }

    /** Runs {@code aicache client-config containerd} in-process against a copy of aicache's configuration. */
    private Path writeHostsTomlWithClientConfig() throws IOException {
        Path configFile = Files.writeString(tempDir.resolve("aicache.yaml"), aicacheConfig);
        Path hostsDir = tempDir.resolve("certs.d");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new AicacheCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("client-config", "containerd", "--mirror", "http://127.0.0.1:" + aicache.address().getPort(),
                        "--dir", hostsDir.toString(), "--config", configFile.toString());
        assertEquals(0, exitCode, "client-config containerd: " + out + err);
        for (String registry : List.of(REGISTRY, OTHER_REGISTRY)) {
            Path hostsToml = hostsDir.resolve(registry).resolve("hosts.toml");
            assertTrue(Files.isRegularFile(hostsToml), "client-config wrote " + hostsToml + ": " + out);
        }
        return hostsDir;
    }

    /** The line of {@code ctr images ls} (REF TYPE DIGEST SIZE PLATFORMS LABELS) for {@code reference}. */
    private static String imageLine(String listing, String reference) {
        return listing.lines()
                .filter(line -> line.startsWith(reference + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("ctr images ls does not list " + reference + ":\n" + listing));
    }

    private Path cacheDir() {
        return tempDir.resolve("cache");
    }

    private static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }
}
