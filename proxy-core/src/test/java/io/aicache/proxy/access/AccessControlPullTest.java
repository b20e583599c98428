package io.aicache.proxy.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.aicache.proxy.observe.LoggingSetup;
import io.aicache.proxy.testsupport.CapturedLog;
import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** Who may pull what: aicache's own token service, htpasswd users, and the policy, through the registry API. */
class AccessControlPullTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE_PASSWORD = "alice-Secret-7f3a";
    private static final String BOB_PASSWORD = "bob-Secret-19c2";

    private final CapturedLog log = CapturedLog.everything();
    private final CapturedLog audit = CapturedLog.named(LoggingSetup.AUDIT_LOGGER);
    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final Path htpasswd = htpasswdWith("alice", ALICE_PASSWORD);
    private final RunningAicache aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
            .set("access.enabled", true)
            .set("access.htpasswd", htpasswd.toString())
            .set("access.checkEvery", "100ms")
            .set("access.anonymous", List.of("registry.test/public/**"))
            .set("access.groups", Map.of("team-b", List.of("carol")))
            .set("access.rules", List.of(
                    Map.of("users", List.of("alice", "bob"), "repositories", List.of("registry.test/team-a/*")),
                    Map.of("groups", List.of("team-b"), "repositories", List.of("registry.test/team-b/*"))))
            .start();
    private final RegistryTestClient client = new RegistryTestClient();
    private final byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "app");

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
        log.close();
        audit.close();
    }

    @Test
    void anonymousIsRefusedWithTheBearerChallengeAndNothingIsAskedUpstream() {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        String realm = "http://127.0.0.1:" + aicache.uri("/").getPort() + "/token";

        HttpResponse<byte[]> base = client.get(aicache.uri("/v2/"));
        assertEquals(401, base.statusCode());
        assertEquals("Bearer realm=\"" + realm + "\",service=\"aicache\"", challengeOf(base));

        HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/team-a/app/manifests/v1"));
        assertEquals(401, pull.statusCode());
        assertEquals("UNAUTHORIZED", ErrorBody.of(pull).code());
        assertEquals("Bearer realm=\"" + realm + "\",service=\"aicache\",scope=\"repository:team-a/app:pull\"",
                challengeOf(pull));
        assertEquals(0, upstream.manifestRequests("GET", "team-a/app", "v1"));
    }

    @Test
    void aUserGetsATokenForTheirRepositoriesAndPulls() throws IOException {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);

        HttpResponse<byte[]> answer = client.get(tokenUri("repository:team-a/app:pull"), basic("alice", ALICE_PASSWORD));
        assertEquals(200, answer.statusCode());
        JsonNode body = JSON.readTree(answer.body());
        String token = body.get("token").asText();
        assertEquals(token, body.get("access_token").asText());
        assertEquals(300, body.get("expires_in").asInt());
        assertTrue(Instant.parse(body.get("issued_at").asText()).isBefore(Instant.now().plusSeconds(5)));

        assertEquals(200, client.get(aicache.uri("/v2/"), bearer(token)).statusCode());
        HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token));
        assertEquals(200, pull.statusCode());
        assertArrayEquals(manifest, pull.body());
    }

    @Test
    void theOAuthFormOfTheTokenServiceTakesAPasswordGrant() throws IOException {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        String form = "grant_type=password&service=aicache&client_id=test&username=alice&password="
                + URLEncoder.encode(ALICE_PASSWORD, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("repository:team-a/app:pull", StandardCharsets.UTF_8);

        HttpResponse<byte[]> answer = client.send("POST", aicache.uri("/token"), form.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");

        assertEquals(200, answer.statusCode());
        String token = JSON.readTree(answer.body()).get("access_token").asText();
        assertEquals(200, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token)).statusCode());
    }

    @Test
    void theSameUserIsDeniedAnotherTeamsRepositoryAndUpstreamIsNotAsked() throws IOException {
        upstream.addManifest("team-b/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        String blob = upstream.addBlob("team-b/app", TestBlobs.random(5_000, 1));

        String teamB = tokenFor("alice", ALICE_PASSWORD, "repository:team-b/app:pull");
        HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/team-b/app/manifests/v1"), bearer(teamB));
        assertEquals(403, pull.statusCode());
        assertEquals("DENIED", ErrorBody.of(pull).code());
        assertTrue(ErrorBody.of(pull).message().contains("user 'alice' may not pull registry.test/team-b/app"),
                ErrorBody.of(pull).message());

        String teamA = tokenFor("alice", ALICE_PASSWORD, "repository:team-a/app:pull");
        assertEquals(403, client.get(aicache.uri("/v2/team-b/app/blobs/" + blob), bearer(teamA)).statusCode());
        assertEquals(403, client.get(aicache.uri("/v2/team-b/app/manifests/v1"), basic("alice", ALICE_PASSWORD))
                .statusCode());

        assertEquals(0, upstream.manifestRequests("GET", "team-b/app", "v1"));
        assertEquals(0, upstream.blobRequests("GET", "team-b/app", blob));
    }

    @Test
    void aTokenForAnotherRepositoryIsAskedToCoverThisOne() throws IOException {
        upstream.addManifest("team-a/other", "v1", TestBlobs.OCI_MANIFEST, manifest);
        String token = tokenFor("alice", ALICE_PASSWORD, "repository:team-a/app:pull");

        HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/team-a/other/manifests/v1"), bearer(token));

        assertEquals(401, pull.statusCode());
        assertTrue(challengeOf(pull).contains("scope=\"repository:team-a/other:pull\",error=\"insufficient_scope\""),
                challengeOf(pull));
    }

    @Test
    void anExpiredTamperedOrForeignTokenIsRefused() throws Exception {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        TokenKey ownKey = TokenKey.resolve(null, aicache.dataDir());
        Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        String expired = new TokenService(ownKey, Duration.ofMinutes(5), tenMinutesAgo)
                .issue(new Identity("alice"), List.of("team-a/app")).token();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String foreign = new TokenService(TokenKey.of(generator.generateKeyPair().getPrivate()), Duration.ofMinutes(5),
                Clock.systemUTC()).issue(new Identity("alice"), List.of("team-a/app")).token();
        String good = tokenFor("alice", ALICE_PASSWORD, "repository:team-a/app:pull");
        String[] parts = good.split("\\.");
        String claimsOfBob = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"alice\"", "\"bob\"").getBytes(StandardCharsets.UTF_8));
        String tampered = parts[0] + "." + claimsOfBob + "." + parts[2];

        for (String token : List.of(expired, foreign, tampered, "not-a-jwt")) {
            HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token));
            assertEquals(401, pull.statusCode());
            assertTrue(challengeOf(pull).endsWith("error=\"invalid_token\""), challengeOf(pull));
        }
        assertEquals(200, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(good)).statusCode());
        assertEquals(1, upstream.manifestRequests("GET", "team-a/app", "v1"));
    }

    @Test
    void anonymousPatternsPullWithoutCredentials() {
        String digest = upstream.addManifest("public/base", "v1", TestBlobs.OCI_MANIFEST, manifest);

        HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/public/base/manifests/v1"));
        assertEquals(200, pull.statusCode());
        assertArrayEquals(manifest, pull.body());
        assertEquals(200, client.get(aicache.uri("/v2/public/base/manifests/" + digest)).statusCode());
    }

    @Test
    void anAnonymousTokenCoversTheAnonymousPatternsOnly() throws IOException {
        upstream.addManifest("public/base", "v1", TestBlobs.OCI_MANIFEST, manifest);
        HttpResponse<byte[]> answer = client.get(tokenUri("repository:public/base:pull"));
        assertEquals(200, answer.statusCode());
        String token = JSON.readTree(answer.body()).get("token").asText();

        assertEquals(200, client.get(aicache.uri("/v2/public/base/manifests/v1"), bearer(token)).statusCode());
        assertEquals(401, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token)).statusCode());
    }

    @Test
    void basicCredentialsSentDirectlyWork() {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);

        assertEquals(200, client.get(aicache.uri("/v2/"), basic("alice", ALICE_PASSWORD)).statusCode());
        HttpResponse<byte[]> pull = client.get(aicache.uri("/v2/team-a/app/manifests/v1"), basic("alice", ALICE_PASSWORD));
        assertEquals(200, pull.statusCode());
        assertArrayEquals(manifest, pull.body());
        // The check is remembered: a second request with the same credentials passes as well.
        assertEquals(200, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), basic("alice", ALICE_PASSWORD))
                .statusCode());

        assertEquals(401, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), basic("alice", "wrong")).statusCode());
        assertEquals(401, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), basic("mallory", "wrong")).statusCode());
        assertEquals(401, client.get(tokenUri("repository:team-a/app:pull"), basic("alice", "wrong")).statusCode());
    }

    @Test
    void aUserAddedToTheHtpasswdFileIsPickedUp() throws IOException {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        assertEquals(401, client.get(tokenUri("repository:team-a/app:pull"), basic("bob", BOB_PASSWORD)).statusCode());

        Files.writeString(htpasswd, Files.readString(htpasswd) + "bob:" + bcrypt(BOB_PASSWORD) + "\n");
        Files.setLastModifiedTime(htpasswd, FileTime.from(Instant.now().plusSeconds(2)));

        Eventually.until("bob is let in", () ->
                client.get(tokenUri("repository:team-a/app:pull"), basic("bob", BOB_PASSWORD)).statusCode() == 200);
        String token = tokenFor("bob", BOB_PASSWORD, "repository:team-a/app:pull");
        assertEquals(200, client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token)).statusCode());
    }

    @Test
    void noPasswordOrTokenIsEverLogged() throws IOException {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        String token = tokenFor("alice", ALICE_PASSWORD, "repository:team-a/app:pull");
        client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token));
        client.get(aicache.uri("/v2/team-b/app/manifests/v1"), bearer(token));
        client.get(aicache.uri("/v2/team-a/app/manifests/v1"), basic("alice", ALICE_PASSWORD));
        client.get(aicache.uri("/v2/team-a/app/manifests/v1"), basic("alice", "wrong-" + ALICE_PASSWORD));
        client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token + "x"));
        String metrics = new String(client.get(aicache.uri("/metrics")).body(), StandardCharsets.UTF_8);

        for (String secret : List.of(ALICE_PASSWORD, token, token.split("\\.")[2])) {
            assertFalse(log.anywhere(secret), "a log line holds a secret");
            assertFalse(audit.anywhere(secret), "an audit line holds a secret");
            assertFalse(metrics.contains(secret), "a metric holds a secret");
        }
    }

    @Test
    void eachDecisionOnAProtectedNameIsAuditedAndEachRefusalCounted() throws IOException {
        upstream.addManifest("team-a/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        upstream.addManifest("public/app", "v1", TestBlobs.OCI_MANIFEST, manifest);
        client.get(aicache.uri("/v2/team-a/app/manifests/v1"));
        String token = tokenFor("alice", ALICE_PASSWORD, "repository:team-a/app:pull");
        client.get(aicache.uri("/v2/team-a/app/manifests/v1"), bearer(token));
        client.get(aicache.uri("/v2/team-b/app/manifests/v1"), basic("alice", ALICE_PASSWORD));
        client.get(aicache.uri("/v2/"), basic("mallory", "guess"));
        client.get(aicache.uri("/v2/public/app/manifests/v1"));

        List<JsonNode> lines = audit.messages().stream().map(AccessControlPullTest::json).toList();
        assertEquals(List.of("pull no-credentials false", "token allowed true", "pull allowed true",
                        "pull not-allowed false", "login bad-password false"),
                lines.stream().map(line -> line.path("event").asText() + " " + line.path("reason").asText()
                        + " " + line.path("allowed").asBoolean()).toList(),
                "the anonymous pull of a public name is not audited: " + lines);
        JsonNode allowed = lines.get(2);
        assertEquals("alice", allowed.path("user").asText());
        assertEquals("127.0.0.1", allowed.path("client").asText());
        assertEquals("registry.test", allowed.path("registry").asText());
        assertEquals("team-a/app", allowed.path("repository").asText());
        assertEquals("v1", allowed.path("reference").asText());
        assertEquals("team-a/app", lines.get(1).path("granted").path(0).asText());
        assertEquals("mallory", lines.get(4).path("user").asText(), "a failed login names the user it tried");
        assertEquals(1.0, aicache.metric("aicache_access_denials_total", "reason", "not-allowed"));
        assertEquals(1.0, aicache.metric("aicache_access_denials_total", "reason", "bad-password"));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String tokenFor(String user, String password, String scope) throws IOException {
        HttpResponse<byte[]> answer = client.get(tokenUri(scope), basic(user, password));
        assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
        return JSON.readTree(answer.body()).get("token").asText();
    }

    private URI tokenUri(String scope) {
        return aicache.uri("/token?service=aicache&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }

    private static String challengeOf(HttpResponse<byte[]> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse("(none)");
    }

    private static String[] basic(String user, String password) {
        return new String[] {"Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))};
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static String bcrypt(String password) {
        return BCrypt.withDefaults().hashToString(4, password.toCharArray());
    }

    private static Path htpasswdWith(String user, String password) {
        try {
            Path file = Files.createTempFile("aicache-htpasswd-", "");
            file.toFile().deleteOnExit();
            Files.writeString(file, "# users of the access test\n" + user + ":" + bcrypt(password) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
