package io.aicache.proxy.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * aicache is killed with SIGKILL while 20 fills are under way; after a restart every blob is
 * served right, and the fills resumed from the chunks already on disk instead of starting over.
 */
class KillDuringFillsTest {

    private static final String REPO = "org/app";
    private static final int BLOBS = 20;
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 16;
    private static final int SIZE = CHUNK * CHUNKS;

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private Process aicache;

    @TempDir
    Path tempDir;

    @AfterEach
    void stop() throws InterruptedException {
        if (aicache != null) {
            aicache.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        upstream.close();
    }

    @Test
    void fillsKilledMidwayResumeAfterRestartAndServeTheRightBytes() throws Exception {
        List<byte[]> blobs = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < BLOBS; i++) {
            blobs.add(TestBlobs.random(SIZE, 100 + i));
            digests.add(upstream.addBlob(REPO, blobs.get(i)));
        }
        // Every blob's last chunk is held: with one range at a time per fill, a fill asks for it
        // only after its first 15 chunks landed and were recorded.
        long lastChunk = (long) (CHUNKS - 1) * CHUNK;
        Fault.Gate lastChunks = Fault.holdBeforeAnswer();
        for (String digest : digests) {
            upstream.inject(digest, lastChunks, request -> request.rangeStart().orElse(-1) == lastChunk);
        }
        Path config = writeConfig(freePort());

        aicache = startAicache(config);
        for (String digest : digests) {
            client.getAsync(blobUri(config, digest));
        }
        assertTrue(lastChunks.awaitHeld(BLOBS, Duration.ofSeconds(60)), "every fill reached its last chunk");
        aicache.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        lastChunks.open();

        aicache = startAicache(config);
        List<CompletableFuture<HttpResponse<byte[]>>> pulls = new ArrayList<>();
        for (String digest : digests) {
            pulls.add(client.getAsync(blobUri(config, digest)));
        }
        long sent = 0;
        for (int i = 0; i < BLOBS; i++) {
            HttpResponse<byte[]> response = pulls.get(i).join();
            assertEquals(200, response.statusCode());
            assertArrayEquals(blobs.get(i), response.body(), "blob " + i);
            sent += upstream.blobBytesSent(REPO, digests.get(i));
        }
        long total = (long) BLOBS * SIZE;
        assertTrue(sent < total * 11 / 10, "resumed, not fetched again: upstream sent " + sent + " bytes for " + total);
        Path partial = tempDir.resolve("cache/partial");
        Eventually.until("no partial file is left", () -> listSize(partial) == 0);
    }

    private Path writeConfig(int port) throws IOException {
        Path config = tempDir.resolve("aicache.yaml");
        Files.writeString(config, """
                server: {listen: "127.0.0.1:%d", ioThreads: 2}
                storage: {dataDir: "%s", chunkSize: 64KiB, storageThreads: 2, indexCache: 8MiB}
                fill: {parallelism: 1, maxConnectionsPerHost: 32}
                logging: {accessLog: "off"}
                upstream:
                  defaultRegistry: registry.test
                  registries:
                    - {name: registry.test, endpoint: "%s"}
                """.formatted(port, tempDir.resolve("cache"), upstream.endpoint()));
        return config;
    }

    private Process startAicache(Path config) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), "io.aicache.proxy.cli.AicacheCommand",
                "serve", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(tempDir.resolve("aicache.log").toFile())
                .start();
        URI health = URI.create(listenUri(config) + "/healthz");
        try {
            Eventually.until("aicache answers /healthz", () -> {
                try {
                    return client.get(health).statusCode() == 200;
                } catch (RuntimeException | AssertionError notYet) {
                    return false;
                }
            });
        } catch (AssertionError | RuntimeException notStarted) {
            // A child that never answered must not outlive the test.
            process.destroyForcibly();
            throw notStarted;
        }
        return process;
    }

    private static URI blobUri(Path config, String digest) throws IOException {
        return URI.create(listenUri(config) + "/v2/" + REPO + "/blobs/" + digest);
    }

    private static String listenUri(Path config) throws IOException {
        String text = Files.readString(config);
        int start = text.indexOf("127.0.0.1:");
        return "http://" + text.substring(start, text.indexOf('"', start));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long listSize(Path dir) {
        try (var files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
