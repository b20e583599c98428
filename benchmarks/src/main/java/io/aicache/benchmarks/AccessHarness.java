package io.aicache.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.aicache.proxy.Aicache;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.observe.LoggingSetup;

/**
 * Manifests by digest with access control off and on: two aicaches in front of one small upstream
 * (the JDK's HTTP server holding one manifest), the manifest cached in each, then {@code wrk} with
 * {@code connections} connections in alternating rounds, with no credentials against the one with
 * access off and a bearer token on every request against the one with access on. Prints each
 * round's requests per second and p99, then the medians:
 * {@code off: requests_per_second=... p99_ms=...} and {@code on: ...}.
 *
 * <p>Usage: {@code AccessHarness [connections] [seconds per round] [rounds] [warm-up seconds]} (64, 10, 2, 8).
 */
public final class AccessHarness {

    private static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final String PASSWORD = "bench-password";
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");

    private AccessHarness() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MEDIA_TYPE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + "0".repeat(64)
                + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
        HttpServer upstream = upstream(manifest, digest);
        Path work = TemporaryDirectory.create("aicache-access-bench-");
        Path htpasswd = Files.writeString(work.resolve("htpasswd"),
                "bench:" + BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray()) + "\n");
        String endpoint = "http://127.0.0.1:" + upstream.getAddress().getPort();
        // As aicache serve sets it up: the access log off, application logs at info, and, as a shared cache
        // would keep it, the audit log (a line per protected pull) in a file.
        Path auditLog = work.resolve("audit.log");
        LoggingSetup.apply(new ConfigLoader(name -> null).fromYaml("logging: {accessLog: \"off\", auditLog: \""
                + auditLog + "\"}", "access harness").logging());
        try (Aicache off = start(work.resolve("off"), endpoint, "");
             Aicache on = start(work.resolve("on"), endpoint, """
                     access:
                       enabled: true
                       htpasswd: "%s"
                       tokenTtl: 30m
                       rules:
                         - users: [bench]
                           repositories: ["upstream.bench/bench/app"]
                     """.formatted(htpasswd))) {
            String path = "/v2/bench/app/manifests/" + digest;
            String offUrl = "http://127.0.0.1:" + off.address().getPort() + path;
            String onUrl = "http://127.0.0.1:" + on.address().getPort() + path;
            String bearer = "Authorization: Bearer " + token(on.address().getPort());
            check(offUrl, null);
            check(onUrl, bearer);
            // Unmeasured first seconds: the JIT compiles each request path before it is measured.
            wrk(offUrl, null, connections, warmUp);
            wrk(onUrl, bearer, connections, warmUp);
            List<double[]> offRounds = new ArrayList<>();
            List<double[]> onRounds = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                offRounds.add(report("off", round, wrk(offUrl, null, connections, seconds)));
                onRounds.add(report("on", round, wrk(onUrl, bearer, connections, seconds)));
            }
            summary("off", connections, offRounds);
            summary("on", connections, onRounds);
            LoggingSetup.flush();
            try (var lines = Files.lines(auditLog)) {
                System.out.printf(Locale.ROOT, "audit log: %d lines%n", lines.count());
            }
        } finally {
            upstream.stop(0);
            TemporaryDirectory.delete(work);
        }
    }

    private static HttpServer upstream(byte[] manifest, String digest) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", exchange -> {
            boolean isManifest = exchange.getRequestURI().getPath().equals("/v2/bench/app/manifests/" + digest);
            byte[] body = isManifest ? manifest : "{}".getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", isManifest ? MEDIA_TYPE : "application/json");
            exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    private static Aicache start(Path dataDir, String endpoint, String access) throws InterruptedException {
        return Aicache.start(new ConfigLoader(name -> null).fromYaml("""
                server:
                  listen: "127.0.0.1:0"
                storage:
                  dataDir: "%s"
                upstream:
                  defaultRegistry: upstream.bench
                  registries:
                    - name: upstream.bench
                      endpoint: "%s"
                %s""".formatted(dataDir, endpoint, access), "access harness"));
    }

    private static String token(int port) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("bench:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/token?service=aicache&scope="
                                + URLEncoder.encode("repository:bench/app:pull", StandardCharsets.UTF_8)))
                .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the token service answered " + answer.statusCode());
        }
        return new ObjectMapper().readTree(answer.body()).get("token").asText();
    }

    private static void check(String url, String header) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", MEDIA_TYPE);
        if (header != null) {
            request.header("Authorization", header.substring(header.indexOf(':') + 2));
        }
        int status = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException(url + " answered " + status);
        }
    }

    /** Runs wrk and returns {requests per second, p99 in ms}. */
    private static double[] wrk(String url, String header, int connections, int seconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", "2", "-c", String.valueOf(connections),
                "-d", seconds + "s", "--latency", "-H", "Accept: " + MEDIA_TYPE));
        if (header != null) {
            command.addAll(List.of("-H", header));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        if (output.contains("Non-2xx")) {
            throw new IllegalStateException("wrk saw refusals: " + output);
        }
        Matcher rps = RPS.matcher(output);
        Matcher p99 = P99.matcher(output);
        if (!rps.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's report: " + output);
        }
        double scale = switch (p99.group(2)) {
            case "us" -> 0.001;
            case "s" -> 1000;
            default -> 1;
        };
        return new double[] {Double.parseDouble(rps.group(1)), Double.parseDouble(p99.group(1)) * scale};
    }

    private static double[] report(String variant, int round, double[] figures) {
        System.out.printf(Locale.ROOT, "round %d, access %s: requests_per_second=%.0f p99_ms=%.2f%n",
                round, variant, figures[0], figures[1]);
        return figures;
    }

    private static void summary(String variant, int connections, List<double[]> rounds) {
        System.out.printf(Locale.ROOT, "%s: connections=%d requests_per_second=%.0f p99_ms=%.2f (medians of %d rounds)%n",
                variant, connections, median(rounds, 0), median(rounds, 1), rounds.size());
    }

    private static double median(List<double[]> rounds, int index) {
        double[] values = rounds.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
}
