package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * What aicache accepts and refuses before anything goes upstream, and how it picks the
 * upstream: {@code ?ns=}, a registry path prefix, or the default registry.
 */
class RequestValidationTest {

    private static final String REPO = "org/app";
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    /** The registry named {@code registry.test}, reached by {@code ?ns=} or the path prefix. */
    private final FaultyUpstream named = FaultyUpstream.start();
    /** The default registry, {@code default.test}, for requests that name none. */
    private final FaultyUpstream fallback = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.builder()
            .upstream("default.test", fallback.endpoint())
            .upstream("registry.test", named.endpoint())
            .start();
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        named.close();
        fallback.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "PUT,    /v2/org/app/manifests/latest",
            "DELETE, /v2/org/app/manifests/latest",
            "POST,   /v2/org/app/blobs/uploads/",
            "PATCH,  /v2/org/app/blobs/uploads/0b7b4a9e-upload",
            "PUT,    /v2/org/app/blobs/uploads/0b7b4a9e-upload",
            "DELETE, /v2/org/app/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000",
    })
    void refusesWriteMethodsWith405Unsupported(String method, String path) {
        HttpResponse<byte[]> response = client.send(method, aicache.uri(path));

        assertEquals(405, response.statusCode());
        assertEquals("UNSUPPORTED", ErrorBody.of(response).code());
        assertTrue(response.headers().firstValue("Allow").orElse("").contains("GET"));
        assertEquals(List.of(), named.recorded());
        assertEquals(List.of(), fallback.recorded());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/Org/App/manifests/latest", "/v2/org//app/manifests/latest",
            "/v2/org/app-/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "/v2/-org/app/tags/list"})
    void refusesInvalidRepositoryNameWith400(String path) {
        HttpResponse<byte[]> response = client.get(aicache.uri(path));

        assertEquals(400, response.statusCode());
        assertEquals("NAME_INVALID", ErrorBody.of(response).code());
        assertEquals(List.of(), fallback.recorded());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/org/app/blobs/sha256:abc", "/v2/org/app/blobs/md5:d41d8cd98f00b204e9800998ecf8427e",
            "/v2/org/app/blobs/latest", "/v2/org/app/manifests/sha256:XYZ",
            "/v2/org/app/referrers/sha256:short"})
    void refusesInvalidDigestWith400(String path) {
        HttpResponse<byte[]> response = client.get(aicache.uri(path));

        assertEquals(400, response.statusCode());
        assertEquals("DIGEST_INVALID", ErrorBody.of(response).code());
        assertEquals(List.of(), fallback.recorded());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-leading-dash", ".hidden", "has%20space"})
    void refusesInvalidTagWith400(String tag) {
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/org/app/manifests/" + tag));

        assertEquals(400, response.statusCode());
        assertEquals("TAG_INVALID", ErrorBody.of(response).code());
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void refusesTagLongerThan128CharactersWith400() {
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/org/app/manifests/" + "t".repeat(129)));

        assertEquals(400, response.statusCode());
        assertEquals("TAG_INVALID", ErrorBody.of(response).code());
    }

    @Test
    void refusesUnknownNamespaceWith404NameUnknown() {
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/org/app/manifests/latest?ns=nowhere.test"));

        assertEquals(404, response.statusCode());
        assertEquals("NAME_UNKNOWN", ErrorBody.of(response).code());
        assertEquals(List.of(), named.recorded());
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void refusesOversizedHeaderWith4xxJsonError() {
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/org/app/manifests/latest"), "X-Padding", "p".repeat(20_000));

        assertClientError(response);
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void refusesOversizedRequestLineWith4xxJsonError() {
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + "a/".repeat(5000) + "b/manifests/latest"));

        assertClientError(response);
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void refusesOversizedRequestBodyWith4xxJsonError() {
        HttpResponse<byte[]> response = client.send("PUT", aicache.uri("/v2/org/app/manifests/latest"),
                new byte[100_000], "Content-Type", TestBlobs.OCI_MANIFEST);

        assertClientError(response);
    }

    private static void assertClientError(HttpResponse<byte[]> response) {
        assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, "status " + response.statusCode());
        ErrorBody.of(response);
    }

    @ParameterizedTest
    @CsvSource({"HTTP/9.9, 505", "HTTP/2.0, 505", "HTTP/1.0, 200", "HTTP/1.1, 200"})
    void answersOnlyTheHttpVersionsItSpeaks(String version, int status) throws IOException {
        URI base = aicache.uri("/v2/");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout((int) RegistryTestClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET /v2/ " + version + "\r\nHost: " + base.getAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.matches("(?s)HTTP/1\\.[01] " + status + " .*"), answer);
            if (status == 505) {
                assertTrue(answer.contains("\"code\":\"UNSUPPORTED\""), answer);
                assertTrue(answer.contains(version + " is not supported"), answer);
            }
        }
    }

    @Test
    void refusesUnknownEndpointWithJson404() {
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/org/app/unknown/thing"));

        assertEquals(404, response.statusCode());
        ErrorBody.of(response);
    }

    @Test
    void routesByNsParameterAndEchoesItInOciNamespace() {
        byte[] blob = TestBlobs.random(5000, 1);
        String digest = named.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest + "?ns=registry.test"));

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
        assertEquals("registry.test", response.headers().firstValue("OCI-Namespace").orElseThrow());
        assertEquals(1, named.blobRequests("GET", REPO, digest));
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void routesByRegistryPathPrefix() {
        byte[] blob = TestBlobs.random(5000, 2);
        String digest = named.addBlob(REPO, blob);
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "prefixed");
        named.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);

        HttpResponse<byte[]> blobResponse = client.get(aicache.uri("/v2/registry.test/" + REPO + "/blobs/" + digest));
        HttpResponse<byte[]> manifestResponse = client.get(aicache.uri("/v2/registry.test/" + REPO + "/manifests/v1"));

        assertEquals(200, blobResponse.statusCode());
        assertArrayEquals(blob, blobResponse.body());
        assertEquals(200, manifestResponse.statusCode());
        assertArrayEquals(manifest, manifestResponse.body());
        assertEquals(1, named.blobRequests("GET", REPO, digest), "upstream is asked for the name without the prefix");
        assertTrue(blobResponse.headers().firstValue("OCI-Namespace").isEmpty(), "no ns, no echo");
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void routesBareNamesToTheDefaultRegistry() {
        byte[] blob = TestBlobs.random(5000, 3);
        String digest = fallback.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
        assertEquals(1, fallback.blobRequests("GET", REPO, digest));
        assertEquals(List.of(), named.recorded());
    }

    @Test
    void answersBaseEndpointWithApiVersionHeader() {
        for (String path : List.of("/v2/", "/v2")) {
            HttpResponse<byte[]> response = client.get(aicache.uri(path));

            assertEquals(200, response.statusCode(), path);
            assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-API-Version").orElseThrow(), path);
        }
    }

    @Test
    void pagesTagListWithLinkRewrittenToTheClientsPath() throws IOException {
        addTags(named, "a", "b", "c", "d", "e");

        List<String> tags = new ArrayList<>();
        String next = "/v2/registry.test/" + REPO + "/tags/list?n=2";
        List<String> links = new ArrayList<>();
        for (int page = 0; next != null && page < 10; page++) {
            HttpResponse<byte[]> response = client.get(aicache.uri(next));
            assertEquals(200, response.statusCode(), next);
            new ObjectMapper().readTree(response.body()).path("tags").forEach(tag -> tags.add(tag.asText()));
            next = nextLink(response);
            if (next != null) {
                links.add(next);
            }
        }

        assertEquals(List.of("a", "b", "c", "d", "e"), tags);
        assertEquals(List.of("/v2/registry.test/org/app/tags/list?n=2&last=b", "/v2/registry.test/org/app/tags/list?n=2&last=d"),
                links);
        assertEquals(List.of(), fallback.recorded());
    }

    @Test
    void pagesTagListOfNsRoutedClientToTheSameRegistry() throws IOException {
        addTags(named, "a", "b", "c");
        addTags(fallback, "x", "y", "z");

        HttpResponse<byte[]> first = client.get(aicache.uri("/v2/" + REPO + "/tags/list?n=2&ns=registry.test"));
        String next = nextLink(first);
        HttpResponse<byte[]> second = client.get(aicache.uri(next));

        JsonNode page = new ObjectMapper().readTree(second.body());
        assertEquals(200, second.statusCode(), next);
        assertEquals("[\"c\"]", page.path("tags").toString(),
                "the next page of a ?ns=registry.test listing must come from registry.test; link was " + next);
    }

    private static void addTags(FaultyUpstream upstream, String... tags) {
        for (String tag : tags) {
            upstream.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, tag));
        }
    }

    private static String nextLink(HttpResponse<byte[]> response) {
        return response.headers().firstValue("Link").map(link -> {
            Matcher m = NEXT_LINK.matcher(link);
            assertTrue(m.find(), "Link header is not a rel=\"next\" link: " + link);
            return m.group(1);
        }).orElse(null);
    }
}
