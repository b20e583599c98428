package io.aicache.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RepositoryFiles;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * conf/grafana-dashboard.json asks only for metrics aicache exports: aicache serves blobs and tags
 * through every path that creates a meter (a fill, a retry, a coalesced reader, a stale tag), and every
 * metric name in every panel's PromQL must be in what /metrics answers then.
 */
class GrafanaDashboardTest {

    private static final String REGISTRY = "registry.test";
    private static final String REPO = "org/app";
    private static final int CHUNK = 64 * 1024;
    /** Names in PromQL that are not metrics: functions, aggregations, keywords. */
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "max", "min", "avg", "count", "rate", "irate",
            "increase", "histogram_quantile", "by", "without", "ignoring", "on", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "deriv", "delta", "abs", "clamp_min", "topk");
    /** Label matchers, range selectors, string literals and label lists: removed before looking for names. */
    private static final Pattern NOT_NAMES = Pattern.compile("\\{[^}]*}|\\[[^]]*]|\"[^\"]*\"|\\b(?:by|without|ignoring|on|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("\\b[a-zA-Z_:][a-zA-Z0-9_:]*\\b");
    private static final Pattern SAMPLE_NAME = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint())
            .set("storage.chunkSize", "64KiB").set("fill.parallelism", 4)
            .set("manifests.tagTtl", "1m").set("manifests.staleIfError", "1h")
            .set("storage.maxSize", "1GiB").start();
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    @Test
    void everyMetricTheDashboardQueriesIsOneAicacheExports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(RepositoryFiles.read("conf/grafana-dashboard.json"));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertFalse(panel.path("title").asText().isBlank(), "a panel without a title: " + panel);
            assertTrue(panel.path("targets").size() > 0, "panel " + panel.path("title").asText() + " has no query");
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        Set<String> queried = new TreeSet<>();
        expressions.forEach(expression -> queried.addAll(metricNames(expression)));
        assertTrue(queried.size() >= 20, "the dashboard covers requests, tiers, bytes, fills, storage, JVM and Netty: " + queried);

        exerciseEveryMeter();
        // Fills record their meters as they end, after the last byte reached the client; the JVM's GC
        // meters appear with the first collection.
        System.gc();
        Set<String> missing = new TreeSet<>(queried);
        Eventually.until(() -> "the dashboard queries metrics /metrics does not have: " + missing, () -> {
            missing.retainAll(queried);
            missing.addAll(queried);
            missing.removeAll(exportedNames(scrape()));
            return missing.isEmpty();
        });
    }

    @Test
    void metricNamesAreReadFromPromQlWithoutLabelsOrFunctions() {
        assertEquals(Set.of("aicache_request_duration_seconds_bucket"), metricNames(
                "histogram_quantile(0.99, sum by (le, route) (rate(aicache_request_duration_seconds_bucket{job=~\"$job\", route=\"blob\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b_bytes"), metricNames(
                "sum by (tier) (rate(a_total[5m])) / ignoring(tier) group_left sum(b_bytes{x=\"sum\"}) > 0"));
    }

    /** A kept tag served stale, a fill with a retry, a disk hit, and two readers on one fill. */
    private void exerciseEveryMeter() throws Exception {
        // backdateTag restarts aicache, which starts its meters afresh: the stale tag comes first.
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "dashboard");
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/manifests/v1"), "Accept", TestBlobs.OCI_MANIFEST).statusCode());
        aicache.backdateTag(REGISTRY, REPO, "v1", Duration.ofMinutes(2));
        upstream.inject("v1", Fault.status(503));
        HttpResponse<byte[]> stale = client.get(aicache.uri("/v2/" + REPO + "/manifests/v1"), "Accept", TestBlobs.OCI_MANIFEST);
        assertEquals(200, stale.statusCode());
        assertTrue(stale.headers().firstValue("Warning").isPresent(), "served stale");

        byte[] retried = TestBlobs.random(5 * CHUNK, 1);
        String retriedDigest = upstream.addBlob(REPO, retried);
        upstream.inject(retriedDigest, Fault.status(500), RecordedRequest.rangeStartsAt(0), 1);
        assertEquals(200, client.get(blob(retriedDigest)).statusCode());
        assertEquals(200, client.get(blob(retriedDigest)).statusCode());

        byte[] shared = TestBlobs.random(6 * CHUNK, 2);
        String sharedDigest = upstream.addBlob(REPO, shared);
        Fault.Stall stall = Fault.stallAfter(1024, Duration.ofSeconds(60));
        upstream.inject(sharedDigest, stall);
        List<CompletableFuture<HttpResponse<InputStream>>> readers = List.of(client.open(blob(sharedDigest)), client.open(blob(sharedDigest)));
        List<HttpResponse<InputStream>> heads = new ArrayList<>();
        try {
            for (CompletableFuture<HttpResponse<InputStream>> reader : readers) {
                heads.add(reader.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            stall.release();
        }
        for (HttpResponse<InputStream> head : heads) {
            assertEquals(shared.length, RegistryTestClient.readAll(head.body()).length);
        }
    }

    private java.net.URI blob(String digest) {
        return aicache.uri("/v2/" + REPO + "/blobs/" + digest);
    }

    private String scrape() {
        return new String(client.get(aicache.uri("/metrics")).body(), StandardCharsets.UTF_8);
    }

    static Set<String> metricNames(String promql) {
        String names = NOT_NAMES.matcher(promql).replaceAll(" ");
        Set<String> found = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(names);
        while (identifier.find()) {
            if (!PROMQL_WORDS.contains(identifier.group())) {
                found.add(identifier.group());
            }
        }
        return found;
    }

    private static Set<String> exportedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher sample = SAMPLE_NAME.matcher(exposition);
        while (sample.find()) {
            names.add(sample.group(1));
        }
        return names;
    }
}
