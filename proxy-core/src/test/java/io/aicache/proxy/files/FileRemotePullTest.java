package io.aicache.proxy.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.CapturedLog;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.LoopbackHttpServer;
import io.aicache.proxy.testsupport.RunningAicache;

/** Files by URL against the JDK's HTTP server as two origins: redirects, the remote's token, coalesced misses. */
class FileRemotePullTest {

    private static final String TOKEN = "ghp_secretTokenNeverLogged0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRedirectToAnotherHostIsFollowedWithoutTheTokenWhichIsNeverLogged() throws Exception {
        Queue<String> originAuthorization = new ConcurrentLinkedQueue<>();
        Queue<String> storageAuthorization = new ConcurrentLinkedQueue<>();
        try (LoopbackHttpServer storage = new LoopbackHttpServer("asset-storage");
             LoopbackHttpServer origin = new LoopbackHttpServer("release-origin");
             CapturedLog log = CapturedLog.everything()) {
            storage.serve(exchange -> {
                storageAuthorization.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                LoopbackHttpServer.respond(exchange, 200, "application/octet-stream", "kind: CustomResourceDefinition\n".getBytes(StandardCharsets.UTF_8));
            });
            origin.serve(exchange -> {
                originAuthorization.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                exchange.getResponseHeaders().set("Location", storage.endpoint() + "/assets/crds.yaml?signature=abc");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            try (RunningAicache aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                    .set("files.remotes", List.of(Map.of("name", "releases", "url", origin.endpoint() + "/", "token", TOKEN)))
                    .start()) {
                HttpResponse<String> answer = get(aicache, "/files/releases/org/repo/releases/download/v1.0.0/crds.yaml");

                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals("kind: CustomResourceDefinition\n", answer.body());
                assertEquals(List.of("Bearer " + TOKEN), List.copyOf(originAuthorization));
                assertEquals(List.of("null"), List.copyOf(storageAuthorization), "the token stays with the remote's own host");
                assertFalse(log.anywhere(TOKEN), "the token is never logged");
            }
        }
    }

    @Test
    void concurrentMissesOfOneUrlCostUpstreamOneRequest() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        int clients = 16;
        try (LoopbackHttpServer origin = new LoopbackHttpServer("files-origin")) {
            origin.serve(exchange -> {
                requests.incrementAndGet();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                LoopbackHttpServer.respond(exchange, 200, "application/yaml", "kind: Namespace\n".getBytes(StandardCharsets.UTF_8));
            });
            try (RunningAicache aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                    .set("files.remotes", List.of(Map.of("name", "web", "url", origin.endpoint() + "/")))
                    .start()) {
                List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, clients)
                        .mapToObj(i -> http.sendAsync(request(aicache, "/files/web/ns.yaml"), HttpResponse.BodyHandlers.ofString()))
                        .toList();
                Eventually.until("every client's request reached aicache as a miss",
                        () -> aicache.metric("aicache_files_answers_total", "outcome", "miss") == clients);
                release.countDown();

                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    assertEquals("kind: Namespace\n", answer.get(60, TimeUnit.SECONDS).body());
                }
                assertEquals(1, requests.get());
                assertEquals("kind: Namespace\n", get(aicache, "/files/web/ns.yaml").body());
                assertEquals(1, requests.get(), "within its TTL the file is served from aicache");
                assertTrue(aicache.metric("aicache_files_answers_total", "outcome", "hit") >= 1);
            }
        }
    }

    private HttpResponse<String> get(RunningAicache aicache, String path) throws Exception {
        return http.send(request(aicache, path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(RunningAicache aicache, String path) {
        return HttpRequest.newBuilder(aicache.uri(path)).timeout(Duration.ofMinutes(2)).build();
    }
}
