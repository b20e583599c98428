package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.Aicache;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.CapturedLog;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * A private upstream: Debian's docker-registry with htpasswd authentication. aicache takes its
 * credentials from a Docker config file whose {@code credHelpers} names a helper, a real executable
 * speaking Docker's helper protocol, and skopeo pulls through aicache.
 */
@Tag("e2e")
class PrivateRegistryCredentialHelperE2ETest {

    private static final String UPSTREAM_NAME = "registry.test";
    private static final String USER = "robot";
    private static final String SECRET = "s3cret-robot-password";

    @TempDir
    Path tempDir;

    private DockerRegistryProcess upstream;
    private Aicache aicache;
    private Skopeo skopeo;
    private Path helperCalls;
    private Path helperSecret;
    /** While this file exists the helper fails, as one does when its keyring is locked. */
    private Path helperBroken;

    @BeforeEach
    void start() throws Exception {
        upstream = DockerRegistryProcess.startWithHtpasswd(USER, SECRET);
        skopeo = new Skopeo(tempDir.resolve("skopeo"));
        Path helpers = Files.createDirectories(tempDir.resolve("helpers"));
        helperCalls = tempDir.resolve("helper-calls.log");
        helperSecret = tempDir.resolve("helper-secret");
        helperBroken = tempDir.resolve("helper-broken");
        Files.writeString(helperSecret, SECRET);
        writeHelper(helpers.resolve("docker-credential-test"));
        Path dockerConfig = tempDir.resolve("config.json");
        Files.writeString(dockerConfig, "{\"credHelpers\": {\"" + UPSTREAM_NAME + "\": \"test\"}}");
        aicache = Aicache.start(new ConfigLoader(name -> null).fromYaml("""
                server:
                  listen: "127.0.0.1:0"
                storage:
                  dataDir: "%s"
                upstream:
                  defaultRegistry: %s
                  registries:
                    - name: %s
                      endpoint: "%s"
                      credentials:
                        kind: dockerConfig
                        file: "%s"
                        helperPath: "%s"
                """.formatted(tempDir.resolve("cache"), UPSTREAM_NAME, UPSTREAM_NAME, upstream.endpoint(), dockerConfig,
                helpers), "test"));
    }

    /** {@code docker-credential-test get}: the server URL on stdin, {@code Username} and {@code Secret} on stdout. */
    private void writeHelper(Path helper) throws IOException {
        Files.writeString(helper, """
                #!/bin/sh
                [ "$1" = get ] || exit 2
                url=$(cat)
                if [ -e "%s" ]; then echo "no identity: the keyring is locked" >&2; exit 3; fi
                echo "$url" >> "%s"
                if [ "$url" != "%s" ]; then echo "credentials not found in native keychain"; exit 1; fi
                printf '{"ServerURL":"%%s","Username":"%s","Secret":"%%s"}' "$url" "$(cat "%s")"
                """.formatted(helperBroken, helperCalls, UPSTREAM_NAME, USER, helperSecret));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void skopeoPullsAPrivateImageWithCredentialsFromTheHelper() throws IOException {
        OciImageLayout image = OciImageLayout.builder().tag("1.0").seed(23)
                .layerSizes(1 << 20, 256 * 1024)
                .writeImage(tempDir.resolve("image"));
        skopeo.push(image, upstream.hostPort(), "team/private", "--dest-creds", USER + ":" + SECRET);

        PulledOciLayout pulled = skopeo.pull(mirror(), UPSTREAM_NAME + "/team/private", "1.0");

        assertEquals(image.manifestDigest(), pulled.manifestDigest());
        assertEquals(image.blobDigests(), pulled.blobDigests());
        assertEquals(List.of(UPSTREAM_NAME), Files.readAllLines(helperCalls).stream().distinct().toList(),
                "the helper was asked for the registry by its name");
    }

    @Test
    void aSecretTheRegistryRefusesIsAnErrorNamingTheRegistryAndTheKindOfCredential() throws IOException {
        Files.writeString(helperSecret, "not-the-password");

        HttpResponse<byte[]> response;
        try (CapturedLog log = CapturedLog.everything()) {
            response = new RegistryTestClient().get(URI.create("http://" + mirror() + "/v2/team/private/manifests/1.0"));
            assertFalse(log.anywhere("not-the-password"), "the secret is in no log line");
            assertFalse(log.anywhere(SECRET), "nor the right one");
        }

        assertEquals(401, response.statusCode());
        ErrorBody error = ErrorBody.of(response);
        assertEquals("UNAUTHORIZED", error.code());
        assertTrue(error.message().contains("upstream " + UPSTREAM_NAME), error.message());
        assertTrue(error.message().contains("Docker config"), error.message());
        assertFalse(error.message().contains("not-the-password"), "the secret is never in a message");
    }

    @Test
    void aFailingHelperIsTheAnswerEveryTimeAndDoesNotMarkTheRegistryDown() throws IOException {
        Files.writeString(helperBroken, "");
        RegistryTestClient client = new RegistryTestClient();
        String blob = "sha256:" + "ab".repeat(32);

        for (int i = 0; i < 7; i++) {
            HttpResponse<byte[]> response = client.get(URI.create("http://" + mirror() + "/v2/team/private/blobs/" + blob));
            assertEquals(503, response.statusCode());
            String message = ErrorBody.of(response).message();
            assertTrue(message.contains("docker credential helper 'test' exited with 3: no identity: the keyring is locked"),
                    message);
            assertFalse(message.contains("marked down"), "the registry itself did nothing wrong: " + message);
        }
    }

    private String mirror() {
        return "127.0.0.1:" + aicache.address().getPort();
    }
}
