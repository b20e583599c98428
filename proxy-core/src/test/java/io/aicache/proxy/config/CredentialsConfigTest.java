package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.upstream.credentials.AcrCredentials;
import io.aicache.upstream.credentials.DockerConfigCredentials;

/** A registry's {@code credentials:} block: each kind bound, and each bad setting refused by key and value. */
class CredentialsConfigTest {

    private final ConfigLoader loader = new ConfigLoader(name -> null);

    @TempDir
    Path dir;

    private AicacheConfig registryWith(String credentials) {
        return loader.fromYaml("""
                upstream:
                  defaultRegistry: registry.test
                  registries:
                    - name: registry.test
                      endpoint: "http://127.0.0.1:5000"
                %s""".formatted(credentials.indent(6)), "test.yaml");
    }

    @Test
    void aDockerConfigFileWithItsHelperPresentIsTaken() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"credHelpers\": {\"registry.test\": \"corp\"}}");
        Path helper = Files.createFile(dir.resolve("docker-credential-corp"));
        assertTrue(helper.toFile().setExecutable(true));

        AicacheConfig config = registryWith("""
                credentials:
                  kind: dockerConfig
                  file: "%s"
                  helperPath: "%s"
                """.formatted(file, dir));

        UpstreamConfig.Registry registry = config.upstream().registries().get(0);
        assertInstanceOf(DockerConfigCredentials.class, registry.toUpstream().credentials().orElseThrow());
    }

    @Test
    void anUnknownHelperIsNamedWithTheRegistryAndWhereItWasLookedFor() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"credHelpers\": {\"registry.test\": \"ecr-login\"}}");
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: dockerConfig
                  file: "%s"
                  helperPath: "%s"
                """.formatted(file, dir)));
        assertTrue(e.getMessage().contains("upstream.registries[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("registry 'registry.test' credentials"), e.getMessage());
        assertTrue(e.getMessage().contains("docker-credential-ecr-login"), e.getMessage());
    }

    @Test
    void anUnreadableFileIsNamed() {
        Path missing = dir.resolve("nope.json");
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: dockerConfig
                  file: "%s"
                """.formatted(missing)));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void anUnknownKindListsTheKnownOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: kerberos
                """));
        assertTrue(e.getMessage().contains("kerberos"), e.getMessage());
        assertTrue(e.getMessage().contains("dockerConfig"), e.getMessage());
    }

    @Test
    void credentialsAndAPasswordTogetherAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                username: robot
                password: pw
                credentials:
                  kind: dockerConfig
                """));
        assertTrue(e.getMessage().contains("keep one"), e.getMessage());
    }

    @Test
    void aFileWithNoEntryForTheRegistryYetIsTakenAtStart() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\": {}}");
        assertEquals(1, registryWith("""
                credentials:
                  kind: dockerConfig
                  file: "%s"
                """.formatted(file)).upstream().registries().size(), "a file with no entry yet is not an error at start");
    }

    @Test
    void azureWithNothingElseIsTaken() {
        UpstreamConfig.Registry registry = registryWith("""
                credentials:
                  kind: azure
                """).upstream().registries().get(0);
        assertInstanceOf(AcrCredentials.class, registry.toUpstream().credentials().orElseThrow());
        assertTrue(registry.toUpstream().credentials().orElseThrow().kind().contains("DefaultAzureCredential"));
    }

    @Test
    void aServicePrincipalsSecretIsTakenAndNeverPrinted() {
        UpstreamConfig.Registry registry = registryWith("""
                credentials:
                  kind: azure
                  tenantId: 72f988bf-0000-4000-8000-000000000001
                  clientId: 0b7a-sp
                  clientSecret: sp-secret-value
                """).upstream().registries().get(0);
        assertTrue(registry.toUpstream().credentials().orElseThrow().kind().contains("client secret of 0b7a-sp"));
        assertFalse(registry.credentials().toString().contains("sp-secret-value"), registry.credentials().toString());
    }

    @Test
    void aClientSecretWithoutATenantIsNamedByKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: azure
                  clientId: 0b7a-sp
                  clientSecret: sp-secret-value
                """));
        assertTrue(e.getMessage().contains("upstream.registries[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("credentials.clientSecret needs credentials.tenantId"), e.getMessage());
        assertFalse(e.getMessage().contains("sp-secret-value"), "the secret is never in a message");
    }

    @Test
    void aClientSecretWithoutAClientIdIsNamedByKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: azure
                  tenantId: 72f988bf-0000-4000-8000-000000000001
                  clientSecret: sp-secret-value
                """));
        assertTrue(e.getMessage().contains("credentials.clientSecret needs credentials.clientId"), e.getMessage());
    }

    @Test
    void aPlainHttpAuthorityHostIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: azure
                  authorityHost: "http://login.example"
                """));
        assertTrue(e.getMessage().contains("credentials.authorityHost must be an https:// URL"), e.getMessage());
        assertTrue(e.getMessage().contains("http://login.example"), e.getMessage());
    }
}
