package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.aicache.proxy.Aicache;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.ContainerdProcess;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * Access control with real clients, through aicache as a plain-HTTP registry in front of Debian's
 * docker-registry: skopeo logs in to aicache's own token service with {@code --src-creds} (Basic
 * credentials on {@code GET /token}), containerd's {@code ctr --user} with the OAuth2 password form
 * ({@code POST /token}) through a {@code hosts.toml} mirror, which names the registry with {@code ns}.
 */
@Tag("e2e")
class AccessControlE2ETest {

    private static final String UPSTREAM_NAME = "registry.test";
    private static final String ALICE = "alice:alice-Pass-5d1e";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private Aicache aicache;
    private ContainerdProcess containerd;
    private Skopeo skopeo;
    private OciImageLayout image;

    @BeforeEach
    void start() throws Exception {
        upstream = DockerRegistryProcess.start();
        skopeo = new Skopeo(tempDir.resolve("skopeo"));
        image = OciImageLayout.builder().tag("1.0").seed(5).layerSizes(256 * 1024, 64 * 1024)
                .writeImage(tempDir.resolve("image"));
        skopeo.push(image, upstream.hostPort(), "team-a/app");
        skopeo.push(image, upstream.hostPort(), "team-b/app");
        Path htpasswd = Files.writeString(tempDir.resolve("htpasswd"), "alice:"
                + BCrypt.withDefaults().hashToString(5, ALICE.substring(6).toCharArray()) + "\n");
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
                access:
                  enabled: true
                  htpasswd: "%s"
                  rules:
                    - users: [alice]
                      repositories: ["%s/team-a/*"]
                """.formatted(tempDir.resolve("cache"), UPSTREAM_NAME, UPSTREAM_NAME, upstream.endpoint(), htpasswd,
                UPSTREAM_NAME), "test"));
    }

    @AfterEach
    void stop() throws IOException {
        if (containerd != null) {
            containerd.close();
        }
        if (aicache != null) {
            aicache.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aUserPullsTheirTeamsImageAndNoOneElses() throws IOException {
        PulledOciLayout pulled = skopeo.pull(mirror(), "team-a/app", "1.0", "--src-creds", ALICE);
        assertEquals(image.manifestDigest(), pulled.manifestDigest());
        assertEquals(image.blobDigests(), pulled.blobDigests());

        int teamBGets = upstream.countRequests("GET", "/v2/team-b/.*");
        IOException denied = assertThrows(IOException.class,
                () -> skopeo.pull(mirror(), "team-b/app", "1.0", "--src-creds", ALICE));
        assertTrue(denied.getMessage().contains("denied"), denied.getMessage());
        assertEquals(teamBGets, upstream.countRequests("GET", "/v2/team-b/.*"), "nothing of team-b was asked upstream");

        IOException anonymous = assertThrows(IOException.class, () -> skopeo.pull(mirror(), "team-a/app", "1.0"));
        assertTrue(anonymous.getMessage().contains("authentication required"), anonymous.getMessage());
    }

    @Test
    void containerdLogsInWithThePasswordFormThroughAHostsTomlMirror() throws IOException {
        containerd = ContainerdProcess.start(tempDir.resolve("containerd"));
        Path hostsDir = tempDir.resolve("certs.d");
        Files.createDirectories(hostsDir.resolve(UPSTREAM_NAME));
        // server is unreachable: the pull can only succeed through the mirror.
        Files.writeString(hostsDir.resolve(UPSTREAM_NAME).resolve("hosts.toml"), """
                server = "https://%s"

                [host."http://%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(UPSTREAM_NAME, mirror()));
        String teamA = UPSTREAM_NAME + "/team-a/app:1.0";

        containerd.ctr("images", "pull", "--hosts-dir", hostsDir.toString(), "--user", ALICE,
                "--snapshotter", ContainerdProcess.SNAPSHOTTER, "--platform", "linux/amd64", teamA);
        assertTrue(containerd.ctr("images", "ls").stdout().contains(image.manifestDigest()), "ctr lists the image");

        IOException denied = assertThrows(IOException.class, () -> containerd.ctr("images", "pull", "--hosts-dir",
                hostsDir.toString(), "--user", ALICE, "--snapshotter", ContainerdProcess.SNAPSHOTTER,
                "--platform", "linux/amd64", UPSTREAM_NAME + "/team-b/app:1.0"));
        assertTrue(denied.getMessage().contains("403"), denied.getMessage());
    }

    private String mirror() {
        return "127.0.0.1:" + aicache.address().getPort();
    }
}
