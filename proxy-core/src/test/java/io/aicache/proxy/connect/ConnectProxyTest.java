package io.aicache.proxy.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.tls.Pem;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.ProxyConnection;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.proxy.testsupport.TestPki;

/** The CONNECT listener in process: interception through the cache, pass-through, tunnels and refusals. */
class ConnectProxyTest {

    private static final String HOST = "registry.aicache.test";
    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        upstream.close();
    }

    private RunningAicache start(Object... settings) {
        RunningAicache.Builder builder = RunningAicache.builder().upstream(HOST, upstream.endpoint())
                .set("proxy.enabled", true)
                .set("proxy.listen", "127.0.0.1:0")
                .set("proxy.intercept", List.of(HOST, "other.aicache.test"));
        for (int i = 0; i < settings.length; i += 2) {
            builder.set((String) settings[i], settings[i + 1]);
        }
        aicache = builder.start();
        return aicache;
    }

    @Test
    void interceptedRegistryIsServedFromTheCacheOverHttp1AndHttp2() throws Exception {
        start();
        byte[] blob = TestBlobs.random(2 << 20, 5);
        String digest = upstream.addBlob(REPO, blob);

        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpResponse<byte[]> response = viaProxy(version, "https://" + HOST + "/v2/" + REPO + "/blobs/" + digest);
            assertEquals(200, response.statusCode());
            assertEquals(version, response.version());
            assertArrayEquals(blob, response.body());
            assertEquals(HOST, ((java.security.cert.X509Certificate) response.sslSession().orElseThrow()
                    .getPeerCertificates()[0]).getSubjectAlternativeNames().iterator().next().get(1));
        }
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "the second pull came from the cache");
        assertEquals(2, aicache.metric("aicache_proxy_connects_total", "outcome", "intercept"));
    }

    @Test
    void otherPathsOfAnInterceptedRegistryArePassedToIt() throws Exception {
        start();
        upstream.requireBearerToken();

        HttpResponse<byte[]> response = viaProxy(HttpClient.Version.HTTP_1_1,
                "https://" + HOST + "/token?service=test&scope=repository:org/app:pull");

        assertEquals(200, response.statusCode());
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("token"));
        assertEquals(1, upstream.tokenRequests());
    }

    @Test
    void unlistedHostIsTunnelledByteForByte() throws Exception {
        start("proxy.allowPrivateAddresses", true, "proxy.allowedPorts", List.of(443, upstream.endpoint().getPort()));
        try (ProxyConnection tunnel = ProxyConnection.connect(aicache.proxyAddress(), "127.0.0.1:" + upstream.endpoint().getPort())) {
            assertEquals(200, tunnel.status());
            tunnel.out().write("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(tunnel.in().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        assertEquals(1, upstream.requests("GET", "/v2/"), "the request reached the upstream unchanged");
        assertEquals(1, aicache.metric("aicache_proxy_connects_total", "outcome", "tunnel"));
    }

    @Test
    void closesATunnelThatCarriesNothingForItsIdleTimeout() throws Exception {
        // A peer that accepts and then neither sends nor closes: only the proxy can end this tunnel.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start("proxy.allowPrivateAddresses", true, "proxy.allowedPorts", List.of(silent.getLocalPort()),
                    "proxy.tunnelIdleTimeout", "1s");
            try (ProxyConnection tunnel = ProxyConnection.connect(aicache.proxyAddress(), "127.0.0.1:" + silent.getLocalPort());
                 Socket accepted = silent.accept()) {
                assertEquals(200, tunnel.status());
                tunnel.out().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ping", new String(accepted.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
                // Nothing moves from here: the proxy closes both sides (the client's read ends
                // instead of running into its own 60 s timeout).
                assertEquals(-1, tunnel.in().read());
                assertEquals(-1, accepted.getInputStream().read());
            }
        }
    }

    @Test
    void refusesAddressesInsideItsNetworkByDefault() throws IOException {
        start();
        try (ProxyConnection refused = ProxyConnection.connect(aicache.proxyAddress(), "localhost:443")) {
            assertEquals(403, refused.status());
            assertTrue(refused.body().contains("inside this proxy's network"), refused.body());
        }
    }

    @Test
    void refusesUnlistedHostsWhenListedOnlyAndPortsNotAllowed() throws IOException {
        start("proxy.listedOnly", true);
        try (ProxyConnection refused = ProxyConnection.connect(aicache.proxyAddress(), "example.com:443")) {
            assertEquals(403, refused.status());
            assertTrue(refused.body().contains("example.com is not a registry this proxy serves"), refused.body());
        }
        try (ProxyConnection refused = ProxyConnection.connect(aicache.proxyAddress(), HOST + ":22")) {
            assertEquals(403, refused.status());
            assertTrue(refused.body().contains("port 22"), refused.body());
        }
        assertEquals(2, aicache.metric("aicache_proxy_connects_total", "outcome", "refused"));
    }

    @Test
    void asksForCredentialsAndAcceptsTheRightOnes() throws IOException {
        start("proxy.username", "puller", "proxy.password", "s3cret");
        try (ProxyConnection anonymous = ProxyConnection.connect(aicache.proxyAddress(), HOST + ":443")) {
            assertEquals(407, anonymous.status());
            assertEquals("Basic realm=\"aicache\"", anonymous.header("proxy-authenticate"));
        }
        try (ProxyConnection wrong = ProxyConnection.connect(aicache.proxyAddress(), HOST + ":443", basic("puller", "nope"))) {
            assertEquals(407, wrong.status());
        }
        try (ProxyConnection right = ProxyConnection.connect(aicache.proxyAddress(), HOST + ":443", basic("puller", "s3cret"))) {
            assertEquals(200, right.status());
        }
    }

    @Test
    void refusesRequestsThatAreNotConnectAndMalformedTargets() throws IOException {
        start();
        try (ProxyConnection bad = ProxyConnection.connect(aicache.proxyAddress(), "no-port")) {
            assertEquals(400, bad.status());
            assertTrue(bad.body().contains("host:port"), bad.body());
        }
        HttpResponse<String> plain;
        try {
            plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + aicache.proxyAddress().getPort() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(405, plain.statusCode());
        assertTrue(plain.body().contains("only CONNECT"), plain.body());
    }

    private static String basic(String username, String password) {
        return "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> viaProxy(HttpClient.Version version, String uri) throws Exception {
        Path caFile = aicache.dataDir().resolve("ca").resolve("ca.pem");
        HttpClient client = HttpClient.newBuilder().version(version)
                .proxy(ProxySelector.of(aicache.proxyAddress()))
                .sslContext(TestPki.trusting(Pem.readCertificates(caFile).get(0)))
                .connectTimeout(Duration.ofSeconds(30)).build();
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
