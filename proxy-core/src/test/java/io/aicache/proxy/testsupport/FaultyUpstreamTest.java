package io.aicache.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test upstream does what the tests rely on, as a plain HTTP client sees it. */
class FaultyUpstreamTest {

    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void servesBlobWithLengthDigestAndCountsRequests() {
        byte[] blob = TestBlobs.random(10_000, 1);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest));

        assertEquals(200, response.statusCode());
        assertArrayEquals(blob, response.body());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(1, upstream.blobRequests("GET", REPO, digest));
    }

    @Test
    void answersHeadWithContentLengthAndNoBody() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(4321, 2));

        HttpResponse<byte[]> response = client.head(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest));

        assertEquals(200, response.statusCode());
        assertEquals("4321", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, response.body().length);
        assertEquals(1, upstream.blobRequests("HEAD", REPO, digest));
    }

    @Test
    void answersRangeWith206() {
        byte[] blob = TestBlobs.random(1000, 3);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest),
                "Range", "bytes=10-19");

        assertEquals(206, response.statusCode());
        assertEquals("bytes 10-19/1000", response.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 10, 20), response.body());
    }

    @Test
    void corruptsOneByteKeepingTheLength() {
        byte[] blob = TestBlobs.random(1000, 4);
        String digest = upstream.addBlob(REPO, blob);
        upstream.injectOnce(digest, Fault.corrupt());

        byte[] first = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest)).body();
        byte[] second = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest)).body();

        assertEquals(blob.length, first.length);
        assertNotEquals(digest, TestBlobs.digestOf(first));
        assertArrayEquals(blob, second, "injectOnce spoils one answer only");
    }

    @Test
    void cutDropsTheConnectionAfterExactlyKBodyBytes() throws IOException {
        byte[] blob = TestBlobs.random(50_000, 5);
        String digest = upstream.addBlob(REPO, blob);
        upstream.inject(digest, Fault.cutAfter(1234));

        assertInstanceOf(IOException.class,
                client.attemptGet(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest)).failure());

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), upstream.endpoint().getPort())) {
            socket.setSoTimeout((int) RegistryTestClient.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v2/" + REPO + "/blobs/" + digest + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] received = readToEnd(socket.getInputStream());
            String text = new String(received, StandardCharsets.ISO_8859_1);
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            assertTrue(text.toLowerCase().contains("content-length: 50000"), text.substring(0, bodyStart));
            assertEquals(1234, received.length - bodyStart, "body bytes before the connection closed");
        }
    }

    @Test
    void stallHoldsTheBodyUntilReleased() throws Exception {
        byte[] blob = TestBlobs.random(100_000, 6);
        String digest = upstream.addBlob(REPO, blob);
        Fault.Stall stall = Fault.stallAfter(1000, Duration.ofSeconds(60));
        upstream.inject(digest, stall);

        var response = client.open(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest));
        assertTrue(stall.awaitHolding(RegistryTestClient.TIMEOUT));
        assertFalse(response.isDone() && response.get().body().available() >= blob.length);
        stall.release();

        assertArrayEquals(blob, RegistryTestClient.readAll(response.get().body()));
    }

    @Test
    void answersStatusFaultsWithJsonAndHeaders() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(10, 7));
        upstream.inject(digest, Fault.tooManyRequests("7"));

        HttpResponse<byte[]> response = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest));

        assertEquals(429, response.statusCode());
        assertEquals("7", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("INJECTED", ErrorBody.of(response).code());
    }

    @Test
    void bearerFlowChallengesIssuesTokensAndAdmitsThem() {
        String digest = upstream.addBlob(REPO, TestBlobs.random(10, 8));
        upstream.requireBearerToken();

        HttpResponse<byte[]> refused = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest));
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
        HttpResponse<byte[]> token = client.get(upstream.endpoint().resolve("/token?service=test&scope=repository:org/app:pull"));
        String value = new String(token.body(), StandardCharsets.UTF_8).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        HttpResponse<byte[]> admitted = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/blobs/" + digest),
                "Authorization", "Bearer " + value);

        assertEquals(401, refused.statusCode());
        assertEquals("Bearer realm=\"" + upstream.endpoint() + "/token\",service=\"test\",scope=\"repository:org/app:pull\"",
                challenge);
        assertEquals(200, admitted.statusCode());
        assertEquals(1, upstream.tokenRequests());
    }

    @Test
    void pagesTagsWithLink() {
        for (String tag : new String[] {"e", "a", "c", "b", "d"}) {
            upstream.addManifest(REPO, tag, TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, tag));
        }

        HttpResponse<byte[]> first = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/tags/list?n=2"));
        HttpResponse<byte[]> last = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/tags/list?n=2&last=d"));

        assertEquals("{\"name\":\"org/app\",\"tags\":[\"a\",\"b\"]}", new String(first.body(), StandardCharsets.UTF_8));
        assertEquals("</v2/org/app/tags/list?n=2&last=b>; rel=\"next\"", first.headers().firstValue("Link").orElseThrow());
        assertEquals("{\"name\":\"org/app\",\"tags\":[\"e\"]}", new String(last.body(), StandardCharsets.UTF_8));
        assertTrue(last.headers().firstValue("Link").isEmpty());
    }

    @Test
    void negotiatesTagByAccept() {
        byte[] index = TestBlobs.manifest(TestBlobs.OCI_INDEX, "i");
        byte[] docker = TestBlobs.manifest(TestBlobs.DOCKER_MANIFEST, "d");
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_INDEX, index);
        upstream.addManifest(REPO, "v1", TestBlobs.DOCKER_MANIFEST, docker);

        HttpResponse<byte[]> response = client.get(upstream.endpoint().resolve("/v2/" + REPO + "/manifests/v1"),
                "Accept", TestBlobs.DOCKER_MANIFEST);

        assertArrayEquals(docker, response.body());
        assertEquals(TestBlobs.DOCKER_MANIFEST, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(TestBlobs.digestOf(docker), response.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the bytes arrived ends the body too
        }
        return out.toByteArray();
    }
}
