package io.aicache.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.config.LoggingConfig;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

class ObservabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);
    private final RegistryTestClient client = new RegistryTestClient();

    @TempDir
    Path tempDir;

    @AfterEach
    void stop() {
        LoggingSetup.apply(new LoggingConfig("info", LoggingConfig.Format.TEXT, "stdout", "stdout"));
        aicache.close();
        upstream.close();
    }

    @Test
    void livenessAndReadinessAnswerWithTheirChecks() throws Exception {
        HttpResponse<byte[]> live = client.get(aicache.uri("/healthz"));
        assertEquals(200, live.statusCode());

        HttpResponse<byte[]> ready = client.get(aicache.uri("/readyz"));
        assertEquals(200, ready.statusCode());
        JsonNode checks = JSON.readTree(ready.body()).path("checks");
        assertTrue(checks.path("index").path("ok").asBoolean());
        assertTrue(checks.path("disk").path("ok").asBoolean());
        assertTrue(checks.path("upstreams").path("ok").asBoolean());
    }

    @Test
    void readinessSaysAnUpstreamNotYetAskedIsNotYetChecked() throws Exception {
        JsonNode before = JSON.readTree(client.get(aicache.uri("/readyz")).body()).path("checks").path("upstreams");
        assertTrue(before.path("ok").asBoolean(), "an upstream nobody asked yet does not make aicache unready");
        assertEquals("0 of 1 up, 1 not yet checked", before.path("detail").asText());

        String digest = upstream.addBlob(REPO, TestBlobs.random(1_000, 6));
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest)).statusCode());
        JsonNode after = JSON.readTree(client.get(aicache.uri("/readyz")).body()).path("checks").path("upstreams");
        assertEquals("1 of 1 up", after.path("detail").asText());
    }

    @Test
    void metricsCountRequestsTiersAndBytes() throws Exception {
        byte[] blob = TestBlobs.random(200_000, 5);
        String digest = upstream.addBlob(REPO, blob);
        client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));
        client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));
        Eventually.until("the small blob reaches the hot tier", () -> {
            HttpResponse<byte[]> again = client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));
            return new String(client.get(aicache.uri("/metrics")).body(), StandardCharsets.UTF_8)
                    .contains("aicache_cache_answers_total{route=\"blob\",tier=\"memory\"}")
                    && java.util.Arrays.equals(blob, again.body());
        });

        String[] scraped = new String[1];
        // Every answer before the hot tier took the blob came from disk: at least the second one.
        Eventually.until("the second answer is counted as a disk hit", () -> {
            scraped[0] = new String(client.get(aicache.uri("/metrics")).body(), StandardCharsets.UTF_8);
            return aicache.metric("aicache_cache_answers_total", "route", "blob", "tier", "disk") >= 1;
        });
        String metrics = scraped[0];

        assertTrue(metrics.contains("aicache_requests_total{route=\"blob\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("aicache_cache_answers_total{route=\"blob\",tier=\"upstream\"} 1.0"), metrics);
        // How many answers came from disk before the hot tier took the blob depends on the machine's pace.
        assertTrue(metrics.contains("aicache_cache_answers_total{route=\"blob\",tier=\"disk\"}"), metrics);
        assertTrue(metrics.contains("aicache_served_bytes_total{registry=\"registry.test\"}"), metrics);
        assertTrue(metrics.contains("aicache_upstream_bytes_total{registry=\"registry.test\"} 200000.0"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM figures are published");
        assertTrue(metrics.contains("netty_allocator_used_bytes"), "Netty buffer-pool figures are published");
    }

    @Test
    void accessLogWritesOneJsonLinePerRequestWithoutHeaders() throws Exception {
        Path log = tempDir.resolve("access.log");
        LoggingSetup.apply(new LoggingConfig("info", LoggingConfig.Format.TEXT, log.toString(), "stdout"));
        byte[] blob = TestBlobs.random(1000, 6);
        String digest = upstream.addBlob(REPO, blob);

        client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest), "Authorization", "Bearer secret-token");
        client.get(aicache.uri("/v2/" + REPO + "/manifests/no-such-tag"));

        Eventually.until("two access log lines", () -> readLines(log).size() >= 2);
        List<String> lines = readLines(log);
        JsonNode blobLine = JSON.readTree(lines.get(0));
        assertEquals("blob", blobLine.path("route").asText());
        assertEquals("registry.test", blobLine.path("registry").asText());
        assertEquals(REPO, blobLine.path("repository").asText());
        assertEquals(digest, blobLine.path("reference").asText());
        assertEquals(200, blobLine.path("status").asInt());
        assertEquals(1000, blobLine.path("bytes").asLong());
        assertEquals("upstream", blobLine.path("tier").asText());
        assertEquals(404, JSON.readTree(lines.get(1)).path("status").asInt());
        assertFalse(String.join("\n", lines).contains("secret-token"), "headers never reach the log");
    }

    @Test
    void theAuditLogGoesToSyslogOverUdp() throws Exception {
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            syslog.setSoTimeout(30_000);
            LoggingSetup.apply(new LoggingConfig("info", LoggingConfig.Format.TEXT, "stdout",
                    "syslog://127.0.0.1:" + syslog.getLocalPort()));
            try {
                LoggerFactory.getLogger(LoggingSetup.AUDIT_LOGGER).info("{\"event\":\"pull\"}");
                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                syslog.receive(packet);
                String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertTrue(message.startsWith("<38>"), "facility auth (4), severity info (6): " + message);
                assertTrue(message.endsWith("aicache: {\"event\":\"pull\"}"), message);
            } finally {
                LoggingSetup.apply(new LoggingConfig("info", LoggingConfig.Format.TEXT, "stdout", "stdout"));
            }
        }
    }

    @Test
    void aLogDestinationThatIsNotOneIsRefusedByKey() {
        for (String bad : List.of("syslog://", "syslog://host/path", "")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> new LoggingConfig("info", LoggingConfig.Format.TEXT, "stdout", bad));
            assertTrue(error.getMessage().startsWith("auditLog"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new LoggingConfig("info", LoggingConfig.Format.TEXT, "syslog://host", "stdout"),
                "the access log is a file or stdout");
    }

    private static List<String> readLines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
