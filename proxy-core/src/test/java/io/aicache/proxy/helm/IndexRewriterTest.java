package io.aicache.proxy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.model.Digest;
import io.aicache.storage.HelmChartRecord;
import io.aicache.upstream.ChartRepository;

class IndexRewriterTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ChartRepository REPOSITORY = new ChartRepository("stable",
            URI.create("https://charts.example.com/stable/"), Optional.empty());
    private static final String DIGEST = "a".repeat(64);

    @Test
    void rewritesRelativeAndAbsoluteUrlsAndReportsWhereEachChartLives() throws IOException {
        String index = """
                apiVersion: v1
                entries:
                  web:
                  - apiVersion: v2
                    appVersion: "1.10"
                    created: "2026-11-24T10:00:00Z"
                    digest: %s
                    name: web
                    urls:
                    - web-1.0.0.tgz
                    version: 1.0.0
                  - name: web
                    urls:
                    - https://github.com/org/charts/releases/download/web-0.9.0/web-0.9.0.tgz
                    version: 0.9.0
                  db:
                  - name: db
                    digest: sha256:%s
                    urls:
                    - ../other/web-1.0.0.tgz
                    version: 2.0.0
                generated: "2026-11-24T10:00:00Z"
                serverInfo: {}
                """.formatted(DIGEST, "b".repeat(64));
        Map<String, HelmChartRecord> charts = new LinkedHashMap<>();

        JsonNode rewritten = rewrite(index, charts);

        assertEquals("v1", rewritten.get("apiVersion").asText());
        assertEquals("2026-11-24T10:00:00Z", rewritten.get("generated").asText());
        JsonNode web = rewritten.get("entries").get("web");
        assertEquals(List.of("charts/web-1.0.0.tgz"), urls(web.get(0)));
        assertEquals("1.10", web.get(0).get("appVersion").asText(), "quoted versions stay strings");
        assertEquals(DIGEST, web.get(0).get("digest").asText());
        assertEquals(List.of("charts/web-0.9.0.tgz"), urls(web.get(1)));
        assertEquals(List.of("charts/db-2.0.0-web-1.0.0.tgz"), urls(rewritten.get("entries").get("db").get(0)),
                "a second chart URL with the same last segment gets its own name");
        assertEquals(Map.of(
                "web-1.0.0.tgz", new HelmChartRecord("https://charts.example.com/stable/web-1.0.0.tgz",
                        new Digest("sha256", DIGEST)),
                "web-0.9.0.tgz", new HelmChartRecord(
                        "https://github.com/org/charts/releases/download/web-0.9.0/web-0.9.0.tgz", null),
                "db-2.0.0-web-1.0.0.tgz", new HelmChartRecord("https://charts.example.com/other/web-1.0.0.tgz",
                        new Digest("sha256", "b".repeat(64)))), charts);
    }

    @Test
    void unquotedNumbersKeepTheirDigits() throws IOException {
        String rewritten = rewriteToText("entries:\n  a:\n  - name: a\n    appVersion: 1.10\n    urls: [a-1.tgz]\n");

        assertTrue(rewritten.contains("appVersion: 1.10\n"), rewritten);
    }

    @Test
    void rewritesIndexesOfManyMegabytes() throws IOException {
        StringBuilder index = new StringBuilder("apiVersion: v1\nentries:\n");
        int charts = 0;
        while (index.length() < 5_000_000) {
            index.append("  chart").append(charts).append(":\n  - name: chart").append(charts)
                    .append("\n    description: ").append("x".repeat(200)).append("\n    version: 1.0.0\n    urls: [chart")
                    .append(charts).append("-1.0.0.tgz]\n");
            charts++;
        }
        Map<String, HelmChartRecord> reported = new LinkedHashMap<>();

        IndexRewriter.rewrite(new ByteArrayInputStream(index.toString().getBytes(StandardCharsets.UTF_8)),
                OutputStream.nullOutputStream(), REPOSITORY, reported::put);

        assertEquals(charts, reported.size());
    }

    @Test
    void refusesWhatIsNotAnIndex() {
        assertThrows(InvalidIndexException.class, () -> rewrite("- just\n- a list\n", new LinkedHashMap<>()));
        assertThrows(InvalidIndexException.class, () -> rewrite("entries: [unclosed\n", new LinkedHashMap<>()));
    }

    @Test
    void chartsSharingTheLongestFileNameEachGetTheirOwn() {
        String file = "c".repeat(251) + ".tgz";
        String index = "entries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls:\n"
                + "    - https://one.example/" + file + "\n    - https://two.example/" + file + "\n    - https://three.example/" + file + "\n";
        Map<String, HelmChartRecord> charts = new LinkedHashMap<>();

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> rewrite(index, charts));

        assertEquals(3, charts.size(), charts.keySet().toString());
        charts.keySet().forEach(name -> assertTrue(ChartFileNames.isSafe(name), name));
    }

    @Test
    void aLongChartNameIsShortenedToASafeFileName() throws IOException {
        String index = "entries:\n  a:\n  - name: a\n    version: \"" + "x".repeat(250) + "\"\n    urls: [\"https://one.example/%20\"]\n"
                + "  b:\n  - name: b\n    version: \"" + ".".repeat(300) + "\"\n    urls: [\"https://two.example/%20\"]\n";
        Map<String, HelmChartRecord> charts = new LinkedHashMap<>();

        rewrite(index, charts);

        assertEquals(2, charts.size(), charts.keySet().toString());
        charts.keySet().forEach(name -> assertTrue(ChartFileNames.isSafe(name), name));
    }

    @Test
    void digestsOtherThanSha256AreNotChecked() {
        assertNull(IndexRewriter.digestOf("md5:abc"));
        assertNull(IndexRewriter.digestOf(""));
        assertEquals(new Digest("sha256", DIGEST), IndexRewriter.digestOf(DIGEST));
    }

    private static JsonNode rewrite(String index, Map<String, HelmChartRecord> charts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IndexRewriter.rewrite(new ByteArrayInputStream(index.getBytes(StandardCharsets.UTF_8)), out, REPOSITORY, charts::put);
        return YAML.readTree(out.toByteArray());
    }

    private static String rewriteToText(String index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IndexRewriter.rewrite(new ByteArrayInputStream(index.getBytes(StandardCharsets.UTF_8)), out, REPOSITORY, (f, c) -> { });
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> urls(JsonNode entry) {
        return YAML.convertValue(entry.get("urls"), YAML.getTypeFactory().constructCollectionType(List.class, String.class));
    }
}
