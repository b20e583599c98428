package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import io.aicache.proxy.testsupport.CapturedLog;
import io.aicache.proxy.testsupport.Cli;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Upstream's pull limit: the headers it sends show in the metrics and in {@code aicache stats}, and
 * while too little of it is left (or a 429 asked to wait), a kept tag past its TTL is served as kept
 * rather than fetched again.
 */
class RateLimitPullTest {

    private static final String REGISTRY = "registry.test";
    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        upstream.close();
    }

    private void start(Object... settings) {
        RunningAicache.Builder builder = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint())
                .set("manifests.tagTtl", "1m").set("manifests.staleIfError", "1h");
        for (int i = 0; i < settings.length; i += 2) {
            builder.set((String) settings[i], settings[i + 1]);
        }
        aicache = builder.start();
    }

    private HttpResponse<byte[]> pull(String tag) {
        return client.get(aicache.uri("/v2/" + REPO + "/manifests/" + tag), "Accept", TestBlobs.OCI_MANIFEST);
    }

    private void remaining(long left) {
        upstream.sendWithEveryAnswer(Map.of("ratelimit-limit", "100;w=21600", "ratelimit-remaining", left + ";w=21600",
                "docker-ratelimit-source", "192.0.2.1"));
    }

    /** Keeps {@code tag}, makes its TTL pass, and moves it upstream to another manifest; returns the kept bytes. */
    private byte[] keepThenMoveUpstream(String tag) throws InterruptedException {
        byte[] kept = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "kept-" + tag);
        upstream.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, kept);
        assertEquals(200, pull(tag).statusCode());
        aicache.backdateTag(REGISTRY, REPO, tag, Duration.ofMinutes(2));
        upstream.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "moved-" + tag));
        return kept;
    }

    @Test
    void theLimitHeadersAndTooManyRequestsShowInTheMetricsAndInStats() {
        start();
        remaining(76);
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "v1"));
        upstream.injectOnce("v2", Fault.tooManyRequests("1"));

        assertEquals(200, pull("v1").statusCode());
        assertEquals(429, pull("v2").statusCode());

        assertEquals(100, aicache.metric("aicache_upstream_ratelimit_limit", "registry", REGISTRY));
        assertEquals(76, aicache.metric("aicache_upstream_ratelimit_remaining", "registry", REGISTRY));
        assertEquals(1, aicache.metric("aicache_upstream_ratelimited_total", "registry", REGISTRY));
        Cli.Result stats = Cli.run("stats", "--server", aicache.uri("/").toString(), "--token", aicache.adminToken());
        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains("rate limits  " + REGISTRY + " 76 of 100 left, 1 answered 429"), stats.out());
    }

    @Test
    void belowTheReserveAMovedTagPastItsTtlIsServedAsKeptAndNoManifestGetGoesUpstream() throws Exception {
        start("upstream.rateLimit.reserve", 0.1);
        remaining(50);
        byte[] kept = keepThenMoveUpstream("v1");
        remaining(5);
        int gets = upstream.manifestRequests("GET", REPO, "v1");

        try (CapturedLog log = CapturedLog.of(PullBudget.class)) {
            HttpResponse<byte[]> first = pull("v1");
            HttpResponse<byte[]> second = pull("v1");

            for (HttpResponse<byte[]> answer : List.of(first, second)) {
                assertEquals(200, answer.statusCode());
                assertArrayEquals(kept, answer.body(), "the kept manifest, not the one upstream moved the tag to");
                assertTrue(answer.headers().firstValue("Warning").orElse("").contains("rate-limit budget"),
                        answer.headers().map().toString());
            }
            assertEquals(gets, upstream.manifestRequests("GET", REPO, "v1"), "no manifest GET went upstream");
            assertEquals(2, upstream.manifestRequests("HEAD", REPO, "v1"), "HEADs, which Docker Hub does not count, did");
            assertEquals(2, aicache.metric("aicache_manifests_budget_stale_total", "registry", REGISTRY));
            assertEquals(1, log.count(Level.WARN, "rate-limit budget low"), "said once, not per request");
        }
    }

    @Test
    void aboveTheReserveAMovedTagIsFetched() throws Exception {
        start("upstream.rateLimit.reserve", 0.1);
        remaining(50);
        keepThenMoveUpstream("v1");
        int gets = upstream.manifestRequests("GET", REPO, "v1");

        HttpResponse<byte[]> answer = pull("v1");

        assertEquals(200, answer.statusCode());
        assertArrayEquals(TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "moved-v1"), answer.body());
        assertEquals(gets + 1, upstream.manifestRequests("GET", REPO, "v1"));
        assertEquals(0, aicache.metric("aicache_manifests_budget_stale_total", "registry", REGISTRY));
    }

    @Test
    void afterATooManyRequestsAnswerTheBudgetIsExhaustedUntilItsRetryAfter() throws Exception {
        start("upstream.rateLimit.reserve", 0);
        byte[] kept = keepThenMoveUpstream("v1");
        upstream.injectOnce("v2", Fault.tooManyRequests("3600"));
        assertEquals(429, pull("v2").statusCode());
        int gets = upstream.manifestRequests("GET", REPO, "v1");

        HttpResponse<byte[]> answer = pull("v1");

        assertEquals(200, answer.statusCode());
        assertArrayEquals(kept, answer.body());
        assertEquals(gets, upstream.manifestRequests("GET", REPO, "v1"), "no manifest GET went upstream");
    }
}
