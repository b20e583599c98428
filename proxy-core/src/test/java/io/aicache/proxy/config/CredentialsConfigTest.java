package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.upstream.credentials.DockerConfigCredentials;
import io.aicache.upstream.credentials.EcrCredentials;

/** A registry's {@code credentials:} block: each kind bound, and each bad setting refused by key and value. */
class CredentialsConfigTest {

    private final ConfigLoader loader = new ConfigLoader(name -> null);

    @TempDir
    Path dir;

    private AicacheConfig registryWith(String credentials) {
        return registryWith("registry.test", credentials);
    }

    private AicacheConfig registryWith(String name, String credentials) {
        return loader.fromYaml("""
                upstream:
                  defaultRegistry: %s
                  registries:
                    - name: %s
                      endpoint: "http://127.0.0.1:5000"
                %s""".formatted(name, name, credentials.indent(6)), "test.yaml");
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
    void anEcrRegistryTakesItsRegionFromItsName() {
        AicacheConfig config = registryWith("123456789012.dkr.ecr.eu-west-1.amazonaws.com", """
                credentials:
                  kind: ecr
                """);

        UpstreamConfig.Registry registry = config.upstream().registries().get(0);
        assertInstanceOf(EcrCredentials.class, registry.toUpstream().credentials().orElseThrow());
        assertTrue(registry.toUpstream().credentials().orElseThrow().kind().contains("eu-west-1"));
    }

    @Test
    void anEcrRegistryWhoseNameHasNoRegionNeedsTheRegionKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: ecr
                """));
        assertTrue(e.getMessage().contains("registry 'registry.test'"), e.getMessage());
        assertTrue(e.getMessage().contains("credentials.region"), e.getMessage());

        assertEquals(1, registryWith("""
                credentials:
                  kind: ecr
                  region: eu-central-1
                """).upstream().registries().size(), "with the region set, any name is taken");
    }

    @Test
    void anEcrEndpointThatIsNoHttpUrlIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: ecr
                  region: eu-west-1
                  endpoint: "vpce-0abc.api.ecr.eu-west-1.vpce.amazonaws.com:443"
                """));
        assertTrue(e.getMessage().contains("credentials.endpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("vpce-0abc.api.ecr.eu-west-1.vpce.amazonaws.com:443"), e.getMessage());
    }

    @Test
    void anEcrRegionThatIsNoRegionIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: ecr
                  region: Ireland
                """));
        assertTrue(e.getMessage().contains("credentials.region"), e.getMessage());
        assertTrue(e.getMessage().contains("Ireland"), e.getMessage());
    }

    @Test
    void anEcrProfileInNeitherProfileFileIsNamed() throws IOException {
        Path credentialsFile = Files.writeString(dir.resolve("credentials"), "[ci]\naws_access_key_id = AKIDEXAMPLE\n");
        String previous = System.setProperty("aws.sharedCredentialsFile", credentialsFile.toString());
        try {
            ConfigException e = assertThrows(ConfigException.class, () -> registryWith("""
                    credentials:
                      kind: ecr
                      region: eu-west-1
                      profile: nightly
                    """));
            assertTrue(e.getMessage().contains("credentials.profile 'nightly'"), e.getMessage());

            assertEquals(1, registryWith("""
                    credentials:
                      kind: ecr
                      region: eu-west-1
                      profile: ci
                    """).upstream().registries().size(), "a profile the file has is taken");
        } finally {
            if (previous == null) {
                System.clearProperty("aws.sharedCredentialsFile");
            } else {
                System.setProperty("aws.sharedCredentialsFile", previous);
            }
        }
    }
}
