package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.Cli;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.KubernetesApiServer;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.SeededImage;

/** The commands that work on a running aicache through its admin API, run as a user would. */
class AdminCommandsTest {

    private static final String REPO = "org/app";
    private static final String IMAGE = "registry.test/org/app:1.0";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);

    @TempDir
    Path tempDir;

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    /** Runs {@code aicache <command> --server ... --token ... <args>}. */
    private Cli.Result aicache(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--server", aicache.uri("/").toString(),
                "--token", aicache.adminToken()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void prefetchShowsEachLayerAndASummaryAndASecondRunFetchesNothing() {
        SeededImage image = SeededImage.seed(upstream, REPO, "1.0", List.of("linux/amd64"), 10, 200_000, 0);

        Cli.Result first = aicache("prefetch", IMAGE);

        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains(IMAGE + " (sha256:"), first.out());
        assertTrue(first.out().contains("[11/11]"), first.out());
        assertTrue(first.out().contains("prefetched 1 image: 11 blobs fetched"), first.out());
        image.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.isRegularFile(aicache.blobFile(digest))));

        Cli.Result second = aicache("prefetch", IMAGE);

        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains(IMAGE + ": already cached, nothing fetched (11 blobs"), second.out());
        assertTrue(second.out().contains("0 blobs fetched"), second.out());
        image.blobs("linux/amd64").keySet().forEach(digest -> assertEquals(1, upstream.blobRequests("GET", REPO, digest)));
    }

    @Test
    void prefetchReadsImagesFromAFileAManifestAndACluster() throws IOException {
        for (String tag : List.of("a", "b", "c", "d", "e")) {
            SeededImage.seed(upstream, REPO, tag, List.of("linux/amd64"), 1, 1000, 0);
        }
        Path list = Files.writeString(tempDir.resolve("images.txt"), "# base images\nregistry.test/org/app:a\n\n");
        Path manifest = Files.writeString(tempDir.resolve("app.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: registry.test/org/app:b
                ---
                apiVersion: batch/v1
                kind: CronJob
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          initContainers:
                            - name: init
                              image: registry.test/org/app:b
                """);
        try (KubernetesApiServer cluster = new KubernetesApiServer("cluster-token",
                List.of(List.of("registry.test/org/app:c", "registry.test/org/app:d"), List.of("registry.test/org/app:e")))) {
            Path kubeconfig = Files.writeString(tempDir.resolve("kubeconfig"), """
                    apiVersion: v1
                    kind: Config
                    current-context: test
                    contexts:
                      - name: test
                        context: {cluster: test, user: robot}
                    clusters:
                      - name: test
                        cluster: {server: "%s"}
                    users:
                      - name: robot
                        user: {token: cluster-token}
                    """.formatted(cluster.endpoint()));

            Cli.Result result = aicache("prefetch", "--file", list.toString(), "--from-manifest", manifest.toString(),
                    "--from-cluster", "--kubeconfig", kubeconfig.toString());

            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertTrue(result.out().contains("prefetched 5 images"), result.out());
            assertEquals(List.of("Bearer cluster-token", "Bearer cluster-token"), cluster.authorizations());
        }
    }

    @Test
    void lsPinUnpinRmStatsAndReloadWorkOnTheRunningCache() {
        SeededImage image = SeededImage.seed(upstream, REPO, "1.0", List.of("linux/amd64"), 2, 4096, 0);
        assertEquals(0, aicache("prefetch", IMAGE).exitCode());

        Cli.Result ls = aicache("ls");
        assertTrue(ls.out().contains("registry.test/org/app") && ls.out().contains("1.0"), ls.out());
        assertTrue(ls.out().contains("1 tags"), ls.out());
        assertTrue(aicache("ls", "--blobs").out().contains("sha256:"));

        assertTrue(aicache("pin", IMAGE).out().contains("pinned " + IMAGE));
        assertTrue(aicache("pin").out().contains(IMAGE));
        assertTrue(aicache("unpin", IMAGE).out().contains("unpinned " + IMAGE));
        Cli.Result notPinned = aicache("unpin", IMAGE);
        assertEquals(1, notPinned.exitCode());
        assertTrue(notPinned.err().contains("is not pinned"), notPinned.err());

        String layer = image.blobs("linux/amd64").keySet().stream().skip(1).findFirst().orElseThrow();
        Cli.Result rm = aicache("rm", layer, IMAGE);
        assertEquals(0, rm.exitCode(), rm.err());
        assertFalse(Files.exists(aicache.blobFile(layer)));
        assertTrue(rm.out().contains("forgot registry.test/org/app:1.0"), rm.out());

        Cli.Result stats = aicache("stats");
        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains("storage") && stats.out().contains("upstream"), stats.out());
        assertTrue(aicache("stats", "--json").out().contains("aicache_storage_used_bytes"));
        assertTrue(aicache("reload").out().contains("applied: nothing"));
    }

    @Test
    void gcListsOnADryRunThenRemovesWhatNoKeptImageReferences() throws InterruptedException {
        aicache.restartWith("storage.gc.minAge", "0s");
        SeededImage kept = SeededImage.seed(upstream, REPO, "1.0", List.of("linux/amd64"), 1, 2048, 0);
        SeededImage dropped = SeededImage.seed(upstream, REPO, "2.0", List.of("linux/amd64"), 2, 2048, 0);
        assertEquals(0, aicache("prefetch", IMAGE, "registry.test/org/app:2.0").exitCode());
        assertEquals(0, aicache("rm", "registry.test/org/app:2.0").exitCode());

        Cli.Result dryRun = aicache("gc", "--dry-run");

        assertEquals(0, dryRun.exitCode(), dryRun.err());
        assertTrue(dryRun.out().contains("dry run: would remove 4 blobs"), dryRun.out());
        dropped.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.exists(aicache.blobFile(digest))));

        Cli.Result gc = aicache("gc");

        assertTrue(gc.out().contains("removed 4 blobs"), gc.out());
        dropped.blobs("linux/amd64").keySet().forEach(digest -> assertFalse(Files.exists(aicache.blobFile(digest))));
        kept.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.exists(aicache.blobFile(digest))));
    }

    @Test
    void saysWhyWhenItCannotTalkToTheCache() {
        Cli.Result wrongToken = Cli.run("stats", "--server", aicache.uri("/").toString(), "--token", "wrong");
        assertEquals(1, wrongToken.exitCode());
        assertTrue(wrongToken.err().contains("refused the admin token"), wrongToken.err());

        Cli.Result nobody = Cli.run("stats", "--server", "http://127.0.0.1:9/", "--token", "x");
        assertEquals(1, nobody.exitCode());
        assertTrue(nobody.err().contains("cannot reach aicache"), nobody.err());

        Cli.Result noImages = aicache("prefetch");
        assertEquals(1, noImages.exitCode());
        assertTrue(noImages.err().contains("no images to prefetch"), noImages.err());
    }
}
