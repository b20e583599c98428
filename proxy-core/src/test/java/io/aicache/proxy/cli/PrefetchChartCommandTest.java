package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ChartArchive;
import io.aicache.proxy.testsupport.ChartRepositoryServer;
import io.aicache.proxy.testsupport.Cli;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.SeededImage;
import io.aicache.proxy.testsupport.TestBlobs;

/** {@code aicache prefetch --chart <repo>/<chart>[@version]}: the images a chart names, fetched on demand. */
class PrefetchChartCommandTest {

    private final FaultyUpstream registry = FaultyUpstream.start();
    private final ChartRepositoryServer charts = ChartRepositoryServer.start();
    private final RunningAicache aicache = RunningAicache.builder().upstream("registry.test", registry.endpoint())
            .set("helm.repositories", List.of(Map.of("name", "stable", "url", charts.endpoint().toString())))
            .start();

    @AfterEach
    void stop() {
        aicache.close();
        charts.close();
        registry.close();
    }

    private Cli.Result prefetch(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("prefetch", "--server", aicache.uri("/").toString(),
                "--token", aicache.adminToken()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /** web 0.2.0-rc.1 (newest), 0.1.0 and 0.0.9, each naming registry.test/org/app at its own tag. */
    private void publish() {
        StringBuilder index = new StringBuilder("apiVersion: v1\nentries:\n  web:\n");
        for (String version : List.of("0.2.0-rc.1", "0.1.0", "0.0.9")) {
            Map<String, String> files = new LinkedHashMap<>();
            files.put("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: " + version + "\n");
            files.put("web/values.yaml", "image:\n  registry: registry.test\n  repository: org/app\n  tag: \"" + version + "\"\n");
            byte[] archive = ChartArchive.of(files);
            charts.put("/web-" + version + ".tgz", archive);
            index.append("  - name: web\n    version: ").append(version).append("\n    digest: \"")
                    .append(TestBlobs.hexOf(TestBlobs.digestOf(archive))).append("\"\n    urls: [web-").append(version)
                    .append(".tgz]\n");
        }
        charts.put("/index.yaml", index.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void prefetchesTheImagesOfTheNewestReleaseOrOfTheVersionAskedFor() {
        publish();
        SeededImage release = SeededImage.seed(registry, "org/app", "0.1.0", List.of("linux/amd64"), 2, 10_000, 0);
        SeededImage older = SeededImage.seed(registry, "org/app", "0.0.9", List.of("linux/amd64"), 2, 10_000, 0);

        Cli.Result newest = prefetch("--chart", "stable/web");

        assertEquals(0, newest.exitCode(), newest.err());
        assertTrue(newest.out().contains("registry.test/org/app:0.1.0"), newest.out());
        release.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.isRegularFile(aicache.blobFile(digest))));

        Cli.Result pinned = prefetch("--chart", "stable/web@0.0.9");

        assertEquals(0, pinned.exitCode(), pinned.err());
        older.blobs("linux/amd64").keySet().forEach(digest -> assertTrue(Files.isRegularFile(aicache.blobFile(digest))));
    }

    @Test
    void saysWhatIsWrongWithAChartItCannotFind() {
        publish();

        Cli.Result unknownChart = prefetch("--chart", "stable/db");
        assertEquals(1, unknownChart.exitCode());
        assertTrue(unknownChart.err().contains("has no chart db"), unknownChart.err());

        Cli.Result unknownVersion = prefetch("--chart", "stable/web@9.9.9");
        assertEquals(1, unknownVersion.exitCode());
        assertTrue(unknownVersion.err().contains("at version 9.9.9"), unknownVersion.err());

        Cli.Result unknownRepository = prefetch("--chart", "nope/web");
        assertEquals(1, unknownRepository.exitCode());
        assertTrue(unknownRepository.err().contains("no chart repository named 'nope'"), unknownRepository.err());

        Cli.Result malformed = prefetch("--chart", "web");
        assertEquals(1, malformed.exitCode());
        assertTrue(malformed.err().contains("REPO/CHART"), malformed.err());
    }
}
