package io.aicache.upstream.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;

class DockerConfigFileTest {

    @TempDir
    Path dir;

    private DockerConfigFile file(String json) throws IOException {
        Path path = dir.resolve("config.json");
        Files.writeString(path, json);
        return DockerConfigFile.read(path);
    }

    @Test
    void authsAreReadUnderTheSpellingsDockerLoginWrites() throws IOException {
        DockerConfigFile config = file("""
                {"auths": {
                  "https://index.docker.io/v1/": {"auth": "aHViOmh1Yi1zZWNyZXQ="},
                  "registry.test:5000": {"username": "robot", "password": "pw"},
                  "https://ghcr.io": {"auth": "Z2g6Z2gtdG9rZW4="}
                }}""");
        assertEquals(inline("hub", "hub-secret"), config.lookup("docker.io"));
        assertEquals(inline("robot", "pw"), config.lookup("registry.test:5000"));
        assertEquals(inline("gh", "gh-token"), config.lookup("ghcr.io"));
        assertTrue(config.lookup("quay.io").isEmpty());
    }

    @Test
    void anIdentityTokenIsARefreshTokenForTheTokenService() throws IOException {
        DockerConfigFile config = file("{\"auths\": {\"myacr.azurecr.io\": {\"auth\": \"\", \"identitytoken\": \"rt\"}}}");
        assertEquals(inline(Credentials.IDENTITY_TOKEN_USER, "rt"), config.lookup("myacr.azurecr.io"));
    }

    @Test
    void aRegistrysHelperComesBeforeTheStoreAndTheStoreBeforeAuths() throws IOException {
        DockerConfigFile config = file("""
                {"credsStore": "pass",
                 "credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"},
                 "auths": {"quay.io": {"auth": "cTpx"}}}""");
        assertEquals(Optional.of(new DockerConfigFile.Entry.Helper("ecr-login", "123456789012.dkr.ecr.eu-west-1.amazonaws.com")),
                config.lookup("123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        assertEquals(Optional.of(new DockerConfigFile.Entry.Helper("pass", "quay.io")), config.lookup("quay.io"));
        assertEquals(Optional.of(new DockerConfigFile.Entry.Helper("pass", "https://index.docker.io/v1/")),
                config.lookup("docker.io"), "Docker Hub's helpers are asked for its v1 URL");
        assertEquals(List.of("pass"), config.helpersFor("quay.io"));
        assertEquals(List.of("ecr-login", "pass"), config.helpersFor(null));
    }

    @Test
    void anEmptyHelperMeansTheFilesOwnAuthsAsInDockersCli() throws IOException {
        DockerConfigFile config = file("""
                {"credsStore": "pass",
                 "credHelpers": {"quay.io": "", "ghcr.io": ""},
                 "auths": {"quay.io": {"auth": "cTp4"}}}""");
        assertEquals(inline("q", "x"), config.lookup("quay.io"));
        assertTrue(config.lookup("ghcr.io").isEmpty(), "no credsStore for a registry whose helper is empty");
        assertEquals(List.of("pass"), config.helpersFor(null));
    }

    @Test
    void aBrokenFileIsRefusedWithItsPathAndNoSecret() throws IOException {
        Path missing = dir.resolve("missing.json");
        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
                () -> DockerConfigFile.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertThrows(CredentialsUnavailableException.class, () -> file("[1, 2]"));
        DockerConfigFile badAuth = file("{\"auths\": {\"quay.io\": {\"auth\": \"bm9jb2xvbg==\"}}}");
        CredentialsUnavailableException notUserPassword = assertThrows(CredentialsUnavailableException.class,
                () -> badAuth.lookup("quay.io"));
        assertFalse(notUserPassword.getMessage().contains("nocolon"), notUserPassword.getMessage());
    }

    @Test
    void anEmptyUsernameIsRefusedByKey() throws IOException {
        for (String username : new String[] {"\"\"", "{}"}) {
            DockerConfigFile config = file("{\"auths\": {\"quay.io\": {\"username\": " + username + ", \"password\": \"pw\"}}}");
            CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
                    () -> config.lookup("quay.io"));
            assertTrue(e.getMessage().contains("auths.quay.io.username"), e.getMessage());
            assertFalse(e.getMessage().contains("pw"), e.getMessage());
        }
    }

    @Test
    void theDefaultFileIsDockersOwn() {
        assertEquals(Path.of("/etc/docker-config", "config.json"), DockerConfigFile.defaultPath("/etc/docker-config", "/root"));
        assertEquals(Path.of("/root", ".docker", "config.json"), DockerConfigFile.defaultPath(null, "/root"));
    }

    private static Optional<DockerConfigFile.Entry> inline(String user, String secret) {
        return Optional.of(new DockerConfigFile.Entry.Inline(new Credentials(user, secret)));
    }
}
