package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.AicacheProcess;
import io.aicache.proxy.testsupport.AzureContainerRegistryServer;
import io.aicache.proxy.testsupport.AzureContainerRegistryServer.Call;
import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * A private Azure Container Registry pulled through aicache with {@code credentials: {kind: azure}} and
 * nothing else configured: DefaultAzureCredential finds App Service's managed identity in the environment
 * ({@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER}), its Entra ID token is exchanged at the registry for
 * a refresh token, and the registry's Bearer challenge leads to an access token for the pull. Azure is a
 * loopback server speaking those protocols; aicache runs in a process of its own, since the SDK reads the
 * identity endpoint from the environment alone.
 */
class AzureContainerRegistryPullTest {

    private static final String REGISTRY = "contoso.azurecr.io";
    private static final String IDENTITY_SECRET = "identity-header-secret";
    private static final String REPOSITORY = "team/app";

    @TempDir
    Path tempDir;

    private final RegistryTestClient client = new RegistryTestClient();
    private final byte[] layer = TestBlobs.random(256 * 1024, 7);
    private final byte[] laterLayer = TestBlobs.random(64 * 1024, 8);
    private final byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "acr");
    private AzureContainerRegistryServer azure;
    private AicacheProcess aicache;

    @BeforeEach
    void start() throws IOException {
        azure = new AzureContainerRegistryServer(REGISTRY, IDENTITY_SECRET);
        azure.put("/v2/" + REPOSITORY + "/manifests/1.0", TestBlobs.OCI_MANIFEST, manifest);
        azure.put("/v2/" + REPOSITORY + "/blobs/" + TestBlobs.digestOf(layer), "application/octet-stream", layer);
        azure.put("/v2/" + REPOSITORY + "/blobs/" + TestBlobs.digestOf(laterLayer), "application/octet-stream", laterLayer);
        aicache = AicacheProcess.start(tempDir, """
                storage: {dataDir: "%s"}
                logging: {accessLog: "off"}
                upstream:
                  defaultRegistry: %s
                  registries:
                    - name: %s
                      endpoint: "%s"
                      credentials: {kind: azure}
                """.formatted(tempDir.resolve("cache"), REGISTRY, REGISTRY, azure.endpoint()),
                Map.of("IDENTITY_ENDPOINT", azure.identityEndpoint().toString(), "IDENTITY_HEADER", IDENTITY_SECRET));
    }

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        if (azure != null) {
            azure.close();
        }
    }

    @Test
    void aManifestAndABlobArePulledWithTheManagedIdentitysTokenExchangedForAcrTokens() {
        assertPulls();

        List<Call> identity = azure.calls("/msi/token");
        assertFalse(identity.isEmpty(), "the managed-identity endpoint was asked");
        assertEquals("https://containerregistry.azure.net", identity.get(0).parameter("resource"));
        assertEquals(AzureContainerRegistryServer.IDENTITY_API_VERSION, identity.get(0).parameter("api-version"));
        assertEquals(IDENTITY_SECRET, identity.get(0).headers().get("x-identity-header"));

        List<Call> exchanges = azure.calls("/oauth2/exchange");
        assertEquals(1, exchanges.size(), "one exchange serves the pull");
        Call exchange = exchanges.get(0);
        assertEquals("access_token", exchange.parameter("grant_type"));
        assertEquals(REGISTRY, exchange.parameter("service"));
        assertEquals(AzureContainerRegistryServer.TENANT, exchange.parameter("tenant"), "the tenant that issued the token");
        assertTrue(azure.entraTokens().contains(exchange.parameter("access_token")),
                "the managed identity's Entra ID token reached the exchange");

        List<Call> tokens = azure.calls("/oauth2/token");
        assertFalse(tokens.isEmpty());
        for (Call token : tokens) {
            assertEquals("refresh_token", token.parameter("grant_type"));
            assertEquals(REGISTRY, token.parameter("service"));
            assertEquals("repository:" + REPOSITORY + ":pull", token.parameter("scope"));
            assertTrue(azure.refreshTokensIssued().contains(token.parameter("refresh_token")),
                    "the exchange's refresh token reached /oauth2/token");
        }
    }

    @Test
    void tokensTheRegistryRefusesMakeOneNewExchange() {
        assertPulls();
        azure.revokeAcrTokens();

        HttpResponse<byte[]> pulled = client.get(aicache.uri("/v2/" + REPOSITORY + "/blobs/" + TestBlobs.digestOf(laterLayer)));
        assertEquals(200, pulled.statusCode(), aicache.log());
        assertArrayEquals(laterLayer, pulled.body());

        assertEquals(2, azure.calls("/oauth2/exchange").size(), "the refused refresh token was replaced once");
    }

    @Test
    void anExchangeTheRegistryRefusesIsAnErrorNamingTheKindAndTheRegistrysReasonButNoToken() {
        azure.refuseExchanges();

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPOSITORY + "/manifests/1.0"),
                "Accept", TestBlobs.OCI_MANIFEST);

        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(503, response.statusCode(), "credentials that cannot be had leave the upstream unavailable: " + body);
        String message = ErrorBody.of(response).message();
        assertTrue(message.contains("upstream " + REGISTRY), message);
        assertTrue(message.contains("azure (DefaultAzureCredential): " + azure.endpoint().resolve("/oauth2/exchange")
                + " answered 401: the identity may not pull from " + REGISTRY), message);
        assertFalse(azure.entraTokens().isEmpty(), "the identity endpoint was asked");
        azure.entraTokens().forEach(token -> assertFalse(body.contains(token), "no token is in the answer: " + body));
    }

    private void assertPulls() {
        HttpResponse<byte[]> pulledManifest = client.get(aicache.uri("/v2/" + REPOSITORY + "/manifests/1.0"),
                "Accept", TestBlobs.OCI_MANIFEST);
        assertEquals(200, pulledManifest.statusCode(), () -> new String(pulledManifest.body()) + "\n" + aicache.log());
        assertArrayEquals(manifest, pulledManifest.body());

        HttpResponse<byte[]> pulledLayer = client.get(aicache.uri("/v2/" + REPOSITORY + "/blobs/" + TestBlobs.digestOf(layer)));
        assertEquals(200, pulledLayer.statusCode(), aicache.log());
        assertArrayEquals(layer, pulledLayer.body());
    }
}
