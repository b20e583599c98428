package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.GoogleServiceAccountKey;
import io.aicache.proxy.testsupport.GoogleTokenService;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.upstream.Credentials;

/**
 * The {@code google} credential kind end to end: the SDK buys an access token from a loopback server
 * speaking Google's documented token protocols (the OAuth2 token endpoint a service account key names,
 * the metadata server), and aicache pulls from a loopback registry that admits only
 * {@code oauth2accesstoken:<that token>}, as Artifact Registry's token service does.
 */
class GoogleAccessTokenPullTest {

    private static final String REGISTRY = "europe-docker.pkg.dev";
    private static final String REPO = "test-project/images/app";
    private static final String TOKEN_USER = "oauth2accesstoken";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    private static final String STORAGE_READ_ONLY = "https://www.googleapis.com/auth/devstorage.read_only";

    @TempDir
    Path dir;

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private GoogleTokenService google;
    private RunningAicache aicache;

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        if (google != null) {
            google.close();
        }
        upstream.close();
    }

    private void startAicache(Map<String, Object> credentials) {
        aicache = RunningAicache.builder().upstreamWithCredentials(REGISTRY, upstream.endpoint(), credentials).start();
    }

    private HttpResponse<byte[]> pullBlob(String digest) {
        return client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));
    }

    @Test
    void aServiceAccountKeysSignedAssertionBuysTheTokenThatPullsAsOauth2accesstoken() {
        google = new GoogleTokenService(3600, "ya29.service-account-token");
        GoogleServiceAccountKey key = GoogleServiceAccountKey.write(dir.resolve("key.json"), google.tokenUri());
        byte[] blob = TestBlobs.random(50_000, 31);
        String blobDigest = upstream.addBlob(REPO, blob);
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "google");
        upstream.addManifest(REPO, "1.0", TestBlobs.OCI_MANIFEST, manifest);
        upstream.requireBasic(TOKEN_USER, "ya29.service-account-token");
        startAicache(Map.of("kind", "google", "keyFile", key.file().toString()));

        HttpResponse<byte[]> pulledManifest = client.get(aicache.uri("/v2/" + REPO + "/manifests/1.0"),
                "Accept", TestBlobs.OCI_MANIFEST);
        HttpResponse<byte[]> pulledBlob = pullBlob(blobDigest);

        assertEquals(200, pulledManifest.statusCode());
        assertArrayEquals(manifest, pulledManifest.body());
        assertEquals(200, pulledBlob.statusCode());
        assertArrayEquals(blob, pulledBlob.body());
        List<GoogleTokenService.Request> requests = google.requests();
        assertEquals(1, requests.size(), "one token for the manifest and the blob: " + requests);
        GoogleTokenService.Request tokenRequest = requests.get(0);
        assertEquals("POST", tokenRequest.request().method());
        assertEquals("/token", tokenRequest.request().path());
        assertEquals(JWT_BEARER, tokenRequest.form().get("grant_type"));
        GoogleServiceAccountKey.Jwt assertion = key.verify(tokenRequest.form().get("assertion"));
        assertEquals("RS256", assertion.header().get("alg"));
        assertEquals(GoogleServiceAccountKey.KEY_ID, assertion.header().get("kid"));
        assertEquals(GoogleServiceAccountKey.CLIENT_EMAIL, assertion.claims().get("iss"));
        // Google's documented audience, whatever token_uri the key names.
        assertEquals("https://oauth2.googleapis.com/token", assertion.claims().get("aud"));
        assertEquals(CLOUD_PLATFORM, assertion.claims().get("scope"));
        long lifetime = ((Number) assertion.claims().get("exp")).longValue() - ((Number) assertion.claims().get("iat")).longValue();
        assertTrue(lifetime > 0 && lifetime <= 3600, "an assertion lives an hour at most: " + lifetime);
    }

    @Test
    void aTokenTheRegistryStopsTakingIsReplacedByOneNewTokenRequest() {
        google = new GoogleTokenService(3600, "ya29.first", "ya29.second");
        GoogleServiceAccountKey key = GoogleServiceAccountKey.write(dir.resolve("key.json"), google.tokenUri());
        String firstBlob = upstream.addBlob(REPO, TestBlobs.random(20_000, 32));
        byte[] second = TestBlobs.random(20_000, 33);
        String secondBlob = upstream.addBlob(REPO, second);
        upstream.requireBasic(TOKEN_USER, "ya29.first");
        startAicache(Map.of("kind", "google", "keyFile", key.file().toString(), "scopes", List.of(STORAGE_READ_ONLY)));
        assertEquals(200, pullBlob(firstBlob).statusCode());

        // The first token is revoked: the registry takes only a new one from now on.
        upstream.requireBasic(TOKEN_USER, "ya29.second");
        HttpResponse<byte[]> pulled = pullBlob(secondBlob);

        assertEquals(200, pulled.statusCode());
        assertArrayEquals(second, pulled.body());
        assertEquals(2, google.tokensIssued(), "one new token for the refusal");
        List<Optional<String>> sent = upstream.recorded("GET", "/v2/" + REPO + "/blobs/" + secondBlob).stream()
                .map(request -> request.header("Authorization"))
                .toList();
        assertEquals(List.of(Optional.of(basic("ya29.first")), Optional.of(basic("ya29.second"))), sent);
        assertEquals(STORAGE_READ_ONLY, key.verify(google.requests().get(1).form().get("assertion")).claims().get("scope"));
    }

    @Test
    void theMetadataServersTokenIsAskedForWithMetadataFlavorGoogleAndPulls() {
        google = new GoogleTokenService(1800, "ya29.workload-identity-token");
        byte[] blob = TestBlobs.random(20_000, 34);
        String blobDigest = upstream.addBlob(REPO, blob);
        upstream.requireBasic(TOKEN_USER, "ya29.workload-identity-token");
        startAicache(Map.of("kind", "google", "metadataHost", google.metadataHost()));

        HttpResponse<byte[]> pulled = pullBlob(blobDigest);

        assertEquals(200, pulled.statusCode());
        assertArrayEquals(blob, pulled.body());
        List<GoogleTokenService.Request> tokenRequests = google.requests().stream()
                .filter(request -> request.request().path().equals(GoogleTokenService.METADATA_TOKEN_PATH))
                .toList();
        assertEquals(1, tokenRequests.size(), "every request: " + google.requests());
        assertEquals("GET", tokenRequests.get(0).request().method());
        assertEquals(Optional.of("Google"), tokenRequests.get(0).request().header("Metadata-Flavor"));
    }

    @Test
    void aTokenServiceRefusalIsAnErrorNamingTheKeyFileAndGooglesReason() {
        google = new GoogleTokenService(3600, "ya29.never-issued");
        google.refuse("invalid_grant", "Invalid JWT Signature.");
        GoogleServiceAccountKey key = GoogleServiceAccountKey.write(dir.resolve("key.json"), google.tokenUri());
        upstream.addManifest(REPO, "1.0", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "refused"));
        upstream.requireBasic(TOKEN_USER, "ya29.never-issued");
        startAicache(Map.of("kind", "google", "keyFile", key.file().toString()));

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/manifests/1.0"), "Accept", TestBlobs.OCI_MANIFEST);

        assertEquals(503, response.statusCode());
        ErrorBody error = ErrorBody.of(response);
        assertEquals("UNAVAILABLE", error.code());
        assertTrue(error.message().contains("Google credentials file " + key.file() + " gave no access token"), error.message());
        assertTrue(error.message().contains("invalid_grant"), "Google's reason is said: " + error.message());
        assertFalse(error.message().contains("PRIVATE KEY"), error.message());
    }

    private static String basic(String token) {
        return new Credentials(TOKEN_USER, token).basicHeader();
    }
}
