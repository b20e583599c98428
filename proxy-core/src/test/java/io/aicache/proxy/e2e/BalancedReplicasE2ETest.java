package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.AicacheProcess;
import io.aicache.proxy.testsupport.ContainerdProcess;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.HaproxyProcess;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.RepositoryFiles;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * Three aicache processes, each with its own disk, behind Debian's HAProxy running deploy/scale-out/haproxy.cfg as
 * shipped, in front of docker-registry; skopeo and containerd's ctr pull through the balancer. Each blob is kept by
 * one replica whichever repository names it; after one replica is killed with SIGKILL, pulls still succeed without
 * any retry of the clients' own: HAProxy retries the refused connections on another replica, and its health check
 * takes the dead one out of the ring.
 */
@Tag("e2e")
class BalancedReplicasE2ETest {

    private static final String REGISTRY = "registry.test";
    private static final int REPLICAS = 3;

    @TempDir
    Path tempDir;

    private DockerRegistryProcess registry;
    private final List<AicacheProcess> replicas = new ArrayList<>();
    private HaproxyProcess balancer;
    private ContainerdProcess containerd;

    @AfterEach
    void stop() throws IOException {
        try {
            if (containerd != null) {
                containerd.close();
            }
        } finally {
            if (balancer != null) {
                balancer.close();
            }
            replicas.forEach(AicacheProcess::close);
            if (registry != null) {
                registry.close();
            }
        }
    }

    @Test
    void eachBlobLivesOnOneReplicaAndPullsSurviveAReplicaKilled() throws Exception {
        registry = DockerRegistryProcess.start();
        Skopeo skopeo = new Skopeo(tempDir.resolve("skopeo"));
        OciImageLayout shared = OciImageLayout.builder().tag("1.0").seed(41)
                .layerSizes(2 << 20, 900 * 1024, 300 * 1024, 64 * 1024).writeImage(tempDir.resolve("shared"));
        skopeo.push(shared, registry.hostPort(), "team/a");
        skopeo.push(shared, registry.hostPort(), "team/b");
        Map<String, String> servers = new HashMap<>();
        for (int i = 0; i < REPLICAS; i++) {
            Path dir = Files.createDirectories(tempDir.resolve("replica-" + i));
            replicas.add(AicacheProcess.start(dir, """
                    storage:
                      dataDir: "%s"
                    upstream:
                      defaultRegistry: %s
                      registries:
                        - name: %s
                          endpoint: "%s"
                    """.formatted(dir.resolve("data"), REGISTRY, REGISTRY, registry.endpoint()), Map.of()));
            servers.put("AICACHE_" + i, replicas.get(i).uri("").getAuthority());
        }
        balancer = HaproxyProcess.start(RepositoryFiles.resolve("deploy/scale-out/haproxy.cfg"),
                "AICACHE_BALANCER_LISTEN", servers, tempDir);
        containerd = ContainerdProcess.start(tempDir.resolve("containerd"));
        Path hostsDir = hostsToml();

        assertPulled(shared, skopeo.pull(balancer.hostPort(), REGISTRY + "/team/a", "1.0"));
        ctrPull(hostsDir, REGISTRY + "/team/b:1.0");
        for (String blob : shared.pulledBlobDigests()) {
            assertEquals(1, replicasHolding(blob).size(), blob + " is kept by one replica, for both repositories");
            assertEquals(1, registry.countRequests("GET", ".*/blobs/" + blob), "the registry sent " + blob + " once");
        }

        int killed = replicasHolding(shared.layers().get(0).digest()).get(0);
        replicas.get(killed).kill();
        OciImageLayout after = OciImageLayout.builder().tag("2.0").seed(42)
                .layerSizes(1 << 20, 400 * 1024, 200 * 1024, 100 * 1024, 50 * 1024).writeImage(tempDir.resolve("after"));
        skopeo.push(after, registry.hostPort(), "team/c");
        assertPulled(after, skopeo.pull(balancer.hostPort(), REGISTRY + "/team/c", "2.0"));
        assertPulled(shared, skopeo.pull(balancer.hostPort(), REGISTRY + "/team/a", "1.0"));
        containerd.ctr("images", "rm", "--sync", REGISTRY + "/team/b:1.0");
        ctrPull(hostsDir, REGISTRY + "/team/b:1.0");
        ctrPull(hostsDir, REGISTRY + "/team/c:2.0");
        for (String blob : after.pulledBlobDigests()) {
            assertEquals(List.of(), replicasHolding(blob).stream().filter(i -> i == killed).toList(),
                    "nothing new landed on the killed replica");
        }
    }

    /** containerd's hosts.toml for the registry: every pull through the balancer, which adds ?ns. */
    private Path hostsToml() throws IOException {
        Path hostsDir = tempDir.resolve("certs.d");
        Files.writeString(Files.createDirectories(hostsDir.resolve(REGISTRY)).resolve("hosts.toml"), """
                server = "http://%s"
                [host."http://%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(registry.hostPort(), balancer.hostPort()));
        return hostsDir;
    }

    private void ctrPull(Path hostsDir, String reference) throws IOException {
        containerd.ctr("images", "pull", "--hosts-dir", hostsDir.toString(),
                "--snapshotter", ContainerdProcess.SNAPSHOTTER, "--platform", "linux/amd64", reference);
    }

    /** The replicas whose disk holds {@code digest}, by index. */
    private List<Integer> replicasHolding(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        List<Integer> holding = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            Path kept = tempDir.resolve("replica-" + i).resolve("data/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
            if (Files.isRegularFile(kept)) {
                holding.add(i);
            }
        }
        return holding;
    }

    private static void assertPulled(OciImageLayout image, PulledOciLayout pulled) {
        assertEquals(image.manifestDigest(), pulled.manifestDigest());
        assertEquals(image.blobDigests(), pulled.blobDigests());
    }
}
