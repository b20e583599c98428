package io.aicache.proxy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import io.aicache.proxy.testsupport.CapturedLog;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.proxy.testsupport.TestPki;
import io.aicache.proxy.tls.ReloadingServerContext;

/** The registry listener over TLS: HTTP/1.1 and HTTP/2 by ALPN, blobs from a fill and from disk, certificate reload. */
class TlsListenerTest {

    private static final String REPO = "org/app";
    private static final String HOST = "registry.aicache.test";
    /** Larger than the hot tier's largest object, so the hit comes from the blob's file. */
    private static final int BLOB_SIZE = 3 << 20;

    @TempDir
    Path tempDir;

    private FaultyUpstream upstream;
    private TestPki pki;
    private RunningAicache aicache;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
        pki = TestPki.create(tempDir.resolve("pki"), HOST, "127.0.0.1");
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
                .set("server.tls.enabled", true)
                .set("server.tls.certFile", pki.certFile().toString())
                .set("server.tls.keyFile", pki.keyFile().toString())
                .set("server.tls.checkEvery", "100ms")
                .start();
    }

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    @Test
    void http1ClientPullsBlobOnMissAndOnHit() throws Exception {
        pullsTwice(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void http2ClientPullsBlobOnMissAndOnHit() throws Exception {
        pullsTwice(HttpClient.Version.HTTP_2);
    }

    private void pullsTwice(HttpClient.Version version) throws Exception {
        byte[] blob = TestBlobs.random(BLOB_SIZE, version.ordinal());
        String digest = upstream.addBlob(REPO, blob);
        HttpClient client = client(version, pki.clientContext());

        HttpResponse<byte[]> miss = get(client, "/v2/" + REPO + "/blobs/" + digest);
        HttpResponse<byte[]> hit = get(client, "/v2/" + REPO + "/blobs/" + digest);

        for (HttpResponse<byte[]> response : List.of(miss, hit)) {
            assertEquals(200, response.statusCode());
            assertEquals(version, response.version());
            assertArrayEquals(blob, response.body());
            assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
        assertEquals(1, upstream.blobRequests("GET", REPO, digest));
    }

    @Test
    void http2ClientGetsARangeOfAKeptBlob() throws Exception {
        byte[] blob = TestBlobs.random(BLOB_SIZE, 42);
        String digest = upstream.addBlob(REPO, blob);
        HttpClient client = client(HttpClient.Version.HTTP_2, pki.clientContext());
        get(client, "/v2/" + REPO + "/blobs/" + digest);

        URI uri = URI.create("https://127.0.0.1:" + aicache.uri("/").getPort() + "/v2/" + REPO + "/blobs/" + digest);
        HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(uri).header("Range", "bytes=1000000-1999999")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, 1_000_000, 2_000_000), range.body());
    }

    @Test
    void http2ClientGetsManyBlobsOnOneConnection() throws Exception {
        HttpClient client = client(HttpClient.Version.HTTP_2, pki.clientContext());
        for (int i = 0; i < 4; i++) {
            byte[] blob = TestBlobs.random(200_000 + i, 100 + i);
            String digest = upstream.addBlob(REPO, blob);
            HttpResponse<byte[]> response = get(client, "/v2/" + REPO + "/blobs/" + digest);
            assertArrayEquals(blob, response.body());
        }
    }

    @Test
    void newConnectionsGetTheCertificateWrittenOverTheOldOne() {
        TestPki renewed = TestPki.create(tempDir.resolve("renewed"), HOST, "127.0.0.1");
        copy(renewed.certFile(), pki.certFile());
        copy(renewed.keyFile(), pki.keyFile());

        Eventually.until("the listener presents the renewed certificate", () -> {
            try {
                HttpResponse<byte[]> response = get(client(HttpClient.Version.HTTP_2, renewed.clientContext()), "/v2/");
                Certificate presented = response.sslSession().orElseThrow().getPeerCertificates()[0];
                return presented.equals(renewed.serverCertificate());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aCertificateFileThatCannotBeReadKeepsTheOneInUse() throws Exception {
        try (CapturedLog log = CapturedLog.of(ReloadingServerContext.class)) {
            Files.writeString(pki.certFile(), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

            // The check that saw the change tried the broken file and said it keeps the certificate in use.
            Eventually.until("a check tries the broken certificate file",
                    () -> log.contains(Level.WARN, "changed but cannot be used"));
        }

        HttpResponse<byte[]> response = get(client(HttpClient.Version.HTTP_1_1, pki.clientContext()), "/v2/");

        assertEquals(200, response.statusCode());
        assertEquals(pki.serverCertificate(), response.sslSession().orElseThrow().getPeerCertificates()[0]);
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpClient client(HttpClient.Version version, SSLContext trust) {
        return HttpClient.newBuilder().version(version).sslContext(trust).connectTimeout(Duration.ofSeconds(30)).build();
    }

    private HttpResponse<byte[]> get(HttpClient client, String path) throws IOException, InterruptedException {
        URI uri = URI.create("https://127.0.0.1:" + aicache.uri("/").getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
