package io.aicache.proxy.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;

/** The web console's files under /ui/: from the jar, with their types, caching and security headers, and nothing else. */
class WebConsoleTest {

    private static final Path SOURCES = Path.of("src/main/resources").resolve(ConsoleAssets.RESOURCES);
    private static final Pattern SCRIPT = Pattern.compile("<script type=\"module\" src=\"(v/[0-9a-f]{16}/console\\.js)\">");

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    @Test
    void servesThePageRevalidatedAndItsFilesImmutableUnderTheirVersion() throws IOException {
        HttpResponse<byte[]> page = client.get(aicache.uri("/ui/"));

        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", header(page, "Content-Type"));
        assertEquals("no-cache", header(page, "Cache-Control"));
        assertSecured(page);
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertFalse(html.contains("{{version}}"), "the page names the files' version");
        assertFalse(html.contains("<script>") || html.contains(" style="), "no inline script or style");
        Matcher script = SCRIPT.matcher(html);
        assertTrue(script.find(), html);

        HttpResponse<byte[]> js = client.get(aicache.uri("/ui/" + script.group(1)));
        assertEquals(200, js.statusCode());
        assertEquals("text/javascript; charset=utf-8", header(js, "Content-Type"));
        assertEquals("public, max-age=31536000, immutable", header(js, "Cache-Control"));
        assertSecured(js);
        assertArrayEquals(Files.readAllBytes(SOURCES.resolve("console.js")), js.body());
        String version = script.group(1).split("/")[1];
        assertEquals("text/css; charset=utf-8", header(client.get(aicache.uri("/ui/v/" + version + "/console.css")), "Content-Type"));
        assertEquals("image/svg+xml", header(client.get(aicache.uri("/ui/v/" + version + "/favicon.svg")), "Content-Type"));

        HttpResponse<byte[]> older = client.get(aicache.uri("/ui/v/0123456789abcdef/console.js"));
        assertEquals(404, older.statusCode(), "another version's file is not this one");
        assertSecured(older);
    }

    @Test
    void servesEveryFileOfTheSourcesAndNamesItsVersionByTheirHash() throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.list(SOURCES)) {
            sources = files.map(file -> file.getFileName().toString()).filter(name -> !name.equals(ConsoleAssets.PAGE))
                    .sorted().toList();
        }
        assertEquals(sources, ConsoleAssets.FILES.stream().sorted().toList(), "every file is listed, and only those");
        ConsoleAssets assets = ConsoleAssets.load();
        for (String name : ConsoleAssets.FILES) {
            HttpResponse<byte[]> file = client.get(aicache.uri("/ui/v/" + assets.version() + "/" + name));
            assertEquals(200, file.statusCode(), name);
            assertArrayEquals(Files.readAllBytes(SOURCES.resolve(name)), file.body(), name);
        }
    }

    @Test
    void redirectsToThePageAndRefusesOtherMethods() {
        HttpResponse<byte[]> bare = client.get(aicache.uri("/ui"));
        assertEquals(308, bare.statusCode());
        assertEquals("/ui/", header(bare, "Location"));

        HttpResponse<byte[]> post = client.send("POST", aicache.uri("/ui/"), new byte[0]);
        assertEquals(405, post.statusCode());
        assertSecured(post);
        assertEquals(200, client.head(aicache.uri("/ui/")).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/ui/index.html",
        "/ui/../admin/stats",
        "/ui/%%2e%%2e/admin/stats",
        "/ui/console.js",
        "/ui/v/%s/../index.html",
        "/ui/v/%s/..%%2f..%%2fadmin%%2fstats",
        "/ui/v/%s/%%2e%%2e/%%2e%%2e/admin/stats",
        "/ui/v/%s/../../../../etc/passwd",
        "/ui/v/%s/..%%5c..%%5cpom.xml",
        "/ui/v/%s//etc/passwd",
        "/ui/v/%s/io/aicache/proxy/console/console.js",
        "/ui/v/%s/logback.xml",
        "/ui/v/%s/aicache.yaml",
        "/ui/v/%s/",
    })
    void servesNothingButItsOwnFiles(String path) throws IOException {
        String raw = path.formatted(ConsoleAssets.load().version());

        String answer = rawGet(aicache.uri("/"), raw);

        assertTrue(answer.startsWith("HTTP/1.1 404 "), raw + " -> " + answer);
        assertTrue(answer.contains("the web console has no file at"), answer);
        assertFalse(answer.contains("root:") || answer.contains("<configuration") || answer.contains("upstream:"), answer);
    }

    @Test
    void leavesTheAdminApiGuarded() {
        HttpResponse<byte[]> refused = client.get(aicache.uri("/admin/stats"));
        assertEquals(401, refused.statusCode());
        assertEquals("UNAUTHORIZED", ErrorBody.of(refused).code());
    }

    private static void assertSecured(HttpResponse<byte[]> response) {
        assertEquals(WebConsole.CONTENT_SECURITY_POLICY, header(response, "Content-Security-Policy"));
        assertEquals("nosniff", header(response, "X-Content-Type-Options"));
        assertEquals("DENY", header(response, "X-Frame-Options"));
        assertEquals("no-referrer", header(response, "Referrer-Policy"));
    }

    private static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse("(none)");
    }

    /** A GET with the path sent exactly as written: no client in between normalises it. */
    private static String rawGet(URI base, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout((int) RegistryTestClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
