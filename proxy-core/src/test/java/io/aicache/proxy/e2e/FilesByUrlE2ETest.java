package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.Cli;
import io.aicache.proxy.testsupport.Curl;
import io.aicache.proxy.testsupport.NginxProcess;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Files by URL against Debian's nginx serving files the test writes and changes: fetched once
 * and served from aicache, revalidated past the TTL (nginx answers 304), a changed file kept as a
 * second version beside the first (history, get, diff through the CLI), served stale while nginx
 * is down; the real kubectl rendering a kustomization whose resources are URLs on aicache; and
 * the requests aicache refuses without keeping anything.
 */
@Tag("e2e")
class FilesByUrlE2ETest {

    private static final String VERSION_1 = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: demo
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-config
              namespace: demo
            data:
              mode: one
            """;
    private static final String VERSION_2 = VERSION_1.replace("replicas: 1", "replicas: 3");
    /** Past the test's TTL for paths with a main segment. */
    private static final Duration PAST_TTL = Duration.ofMillis(1_500);

    @TempDir
    Path tempDir;

    private Path root;
    private int writes;
    private NginxProcess nginx;
    private RunningAicache aicache;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(tempDir.resolve("www"));
        nginx = NginxProcess.serving(root);
        aicache = RunningAicache.builder().upstream("registry.test", URI.create("http://127.0.0.1:9"))
                .set("files.remotes", List.of(Map.of("name", "web", "url", nginx.endpoint() + "/"),
                        Map.of("name", "small", "url", nginx.endpoint() + "/", "maxBytes", "1KiB")))
                .set("files.ttls", List.of(Map.of("pattern", "main", "ttl", "1s")))
                .set("files.staleIfError", "1h")
                .start();
    }

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void fetchesOnceRevalidatesKeepsEveryVersionAndServesStaleWhenUpstreamIsDown() throws Exception {
        write("v1.0.0/app.yaml", VERSION_1);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> answer = get("/files/web/v1.0.0/app.yaml");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(VERSION_1, answer.body());
        }
        assertEquals(1, nginx.count("GET", "/v1.0.0/app.yaml"), "the second GET was served from aicache");

        write("main/app.yaml", VERSION_1);
        assertEquals(VERSION_1, get("/files/web/main/app.yaml").body());
        Thread.sleep(PAST_TTL.toMillis());
        HttpResponse<String> revalidated = get("/files/web/main/app.yaml");
        assertEquals(VERSION_1, revalidated.body());
        assertEquals("1", revalidated.headers().firstValue("Aicache-File-Version").orElseThrow());
        assertEquals(1, nginx.count("GET", "/main/app.yaml", 304), "past its TTL the file was revalidated: 304");
        assertEquals(1, aicache.metric("aicache_files_revalidations_total", "remote", "web", "result", "unchanged"));

        write("main/app.yaml", VERSION_2);
        Thread.sleep(PAST_TTL.toMillis());
        HttpResponse<String> changed = get("/files/web/main/app.yaml");
        assertEquals(VERSION_2, changed.body());
        assertEquals("2", changed.headers().firstValue("Aicache-File-Version").orElseThrow());

        Cli.Result history = cli("history", "web/main/app.yaml");
        assertEquals(0, history.exitCode(), history.err());
        assertTrue(history.out().contains(TestBlobs.digestOf(VERSION_1.getBytes(StandardCharsets.UTF_8))), history.out());
        assertTrue(history.out().contains(TestBlobs.digestOf(VERSION_2.getBytes(StandardCharsets.UTF_8))), history.out());
        Cli.Result first = cli("get", aicache.uri("/files/web/main/app.yaml").toString(), "--version", "1");
        assertEquals(VERSION_1, first.out(), first.err());
        Cli.Result then = cli("get", nginx.endpoint() + "/main/app.yaml", "--at", Instant.now().toString());
        assertEquals(VERSION_2, then.out(), "by its upstream URL, at a time: " + then.err());
        Cli.Result diff = cli("diff", "web/main/app.yaml");
        assertEquals(0, diff.exitCode(), diff.err());
        assertTrue(diff.out().contains("~ apps/v1 Deployment demo/web"), diff.out());
        assertTrue(diff.out().contains("spec.replicas: 1 -> 3"), diff.out());
        assertFalse(diff.out().contains("ConfigMap"), "the ConfigMap did not change: " + diff.out());
        assertExportsBothVersionsAsCommits();
        Cli.Result listed = cli("ls");
        assertTrue(listed.out().contains("web/main/app.yaml") && listed.out().contains("2 files"), listed.out());

        nginx.close();
        nginx = null;
        Thread.sleep(PAST_TTL.toMillis());
        HttpResponse<String> stale = get("/files/web/main/app.yaml");
        assertEquals(200, stale.statusCode(), stale.body());
        assertEquals(VERSION_2, stale.body());
        assertTrue(stale.headers().firstValue("Warning").orElse("").startsWith("110 "), stale.headers().toString());
    }

    /** {@code files export-git}: one commit per version, oldest first, each dated when aicache first saw it. */
    private void assertExportsBothVersionsAsCommits() throws Exception {
        Path exported = tempDir.resolve("history.git");
        Cli.Result export = cli("export-git", "web/main/app.yaml", exported.toString());
        assertEquals(0, export.exitCode(), export.err());
        JsonNode versions = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        aicache.uri("/admin/files/history?url=web/main/app.yaml")).header("Authorization", "Bearer " + aicache.adminToken())
                .build(), HttpResponse.BodyHandlers.ofString()).body()).path("versions");
        try (Git git = Git.open(exported.toFile())) {
            List<RevCommit> commits = new ArrayList<>();
            git.log().call().forEach(commits::add);
            assertEquals(2, commits.size());
            for (int i = 0; i < 2; i++) {
                RevCommit commit = commits.get(1 - i);
                assertEquals(Instant.parse(versions.get(i).path("firstSeen").asText()).getEpochSecond(),
                        commit.getAuthorIdent().getWhenAsInstant().getEpochSecond());
                assertTrue(commit.getFullMessage().startsWith("Version " + (i + 1) + " of web/main/app.yaml"), commit.getFullMessage());
            }
        }
        assertEquals(VERSION_2, Files.readString(exported.resolve("app.yaml")));
    }

    @Test
    void kubectlKustomizeRendersResourcesFetchedThroughAicache() throws Exception {
        write("v1.0.0/app.yaml", VERSION_1);
        Path kustomization = Files.createDirectories(tempDir.resolve("overlay"));
        Files.writeString(kustomization.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namePrefix: prod-
                resources:
                - %s
                """.formatted(aicache.uri("/files/web/v1.0.0/app.yaml")));

        Path output = tempDir.resolve("rendered.yaml");
        Process kubectl = new ProcessBuilder("/usr/bin/kubectl", "kustomize", kustomization.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = kubectl.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            kubectl.destroyForcibly().waitFor();
        }
        String rendered = Files.readString(output);

        assertTrue(ended, "kubectl kustomize did not finish: " + rendered);
        assertEquals(0, kubectl.exitValue(), rendered);
        assertTrue(rendered.contains("name: prod-web"), rendered);
        assertTrue(rendered.contains("name: prod-web-config"), rendered);
        assertTrue(rendered.contains("image: nginx:1.25"), rendered);
        assertEquals(1, nginx.count("GET", "/v1.0.0/app.yaml"));
    }

    @Test
    void refusesBadPathsUnknownRemotesOversizedFilesAndYamlBombsAndKeepsNothing() throws Exception {
        write("secret.yaml", "kind: Secret\n");
        write("big.yaml", "data: " + "x".repeat(4096) + "\n");
        write("bomb.yaml", bomb());
        Path body = tempDir.resolve("body");
        for (String path : List.of("/files/web/v1/../secret.yaml", "/files/web/%2e%2e/secret.yaml", "/files/web/a%2Fsecret.yaml",
                "/files/web/a%5Csecret.yaml", "/files/web//secret.yaml")) {
            Curl.Result answer = Curl.get(aicache.uri(path).toString(), body, "--path-as-is");
            assertEquals(400, answer.status(), path + ": " + Files.readString(body));
        }
        assertEquals(404, Curl.get(aicache.uri("/files/nowhere/secret.yaml").toString(), body).status());
        assertTrue(Files.readString(body).contains("no file remote named 'nowhere'"), Files.readString(body));

        Curl.Result big = Curl.get(aicache.uri("/files/small/big.yaml").toString(), body);
        assertEquals(502, big.status());
        assertTrue(Files.readString(body).contains("files.maxBytes"), Files.readString(body));
        Curl.Result bomb = Curl.get(aicache.uri("/files/web/bomb.yaml").toString(), body);
        assertEquals(502, bomb.status());
        assertTrue(Files.readString(body).contains("aliases"), Files.readString(body));

        assertEquals(0, nginx.count("GET", "/secret.yaml"), "no refused path reached upstream");
        assertTrue(cli("ls").out().contains("0 files"), "nothing was kept");
        assertFalse(Files.exists(aicache.blobFile(TestBlobs.digestOf(Files.readAllBytes(root.resolve("bomb.yaml"))))));
        assertFalse(Files.exists(aicache.blobFile(TestBlobs.digestOf(Files.readAllBytes(root.resolve("big.yaml"))))));
    }

    /** Nine levels of nine aliases each: a billion "lol"s once expanded. */
    private static String bomb() {
        StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char level = 'b'; level <= 'i'; level++) {
            List<String> aliases = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                aliases.add("*" + (char) (level - 1));
            }
            bomb.append(level).append(": &").append(level).append(" [").append(String.join(", ", aliases)).append("]\n");
        }
        return bomb.toString();
    }

    /** Writes {@code text} under nginx's root with a new modification time, so its ETag and Last-Modified change. */
    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600).plusSeconds(10L * writes++)));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(aicache.uri(path)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Cli.Result cli(String command, String... args) {
        List<String> all = new ArrayList<>(List.of("files", command, "--server", aicache.uri("/").toString(),
                "--token", aicache.adminToken()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }
}
