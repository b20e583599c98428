package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.GoogleServiceAccountKey;
import io.aicache.upstream.credentials.AcrCredentials;
import io.aicache.upstream.credentials.DockerConfigCredentials;
import io.aicache.upstream.credentials.EcrCredentials;
import io.aicache.upstream.credentials.GoogleAccessTokens;

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

    private AicacheConfig googleKeyFile(Path keyFile) {
        return registryWith("""
                credentials:
                  kind: google
                  keyFile: "%s"
                """.formatted(keyFile));
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

    @Test
    void aGoogleServiceAccountKeyIsTaken() {
        Path key = GoogleServiceAccountKey.write(dir.resolve("key.json"), URI.create("http://127.0.0.1:9/token")).file();

        AicacheConfig config = googleKeyFile(key);

        assertInstanceOf(GoogleAccessTokens.class, config.upstream().registries().get(0).toUpstream().credentials().orElseThrow());
    }

    @Test
    void anUnreadableGoogleKeyFileIsNamedByKeyAndPath() {
        Path missing = dir.resolve("missing-key.json");
        ConfigException e = assertThrows(ConfigException.class, () -> googleKeyFile(missing));
        assertTrue(e.getMessage().contains("registry 'registry.test' credentials: keyFile"), e.getMessage());
        assertTrue(e.getMessage().contains(missing + " cannot be read"), e.getMessage());
    }

    @Test
    void aGoogleKeyFileThatIsNotACredentialsFileSaysWhatItIs() throws IOException {
        Path dockerConfig = dir.resolve("config.json");
        Files.writeString(dockerConfig, "{\"auths\": {}}");
        Path notJson = dir.resolve("key.pem");
        Files.writeString(notJson, "-----BEGIN PRIVATE KEY-----\n");

        ConfigException wrongFile = assertThrows(ConfigException.class, () -> googleKeyFile(dockerConfig));
        ConfigException notAJson = assertThrows(ConfigException.class, () -> googleKeyFile(notJson));

        assertTrue(wrongFile.getMessage().contains(dockerConfig + " is not a credentials file"), wrongFile.getMessage());
        assertTrue(wrongFile.getMessage().contains("service_account"), "the types it takes are listed: " + wrongFile.getMessage());
        assertTrue(notAJson.getMessage().contains(notJson + " is not JSON"), notAJson.getMessage());
    }

    @Test
    void aGoogleServiceAccountKeyThatDoesNotParseIsRefusedWithoutQuotingIt() throws IOException {
        Path key = dir.resolve("key.json");
        Files.writeString(key, """
                {"type": "service_account", "client_email": "puller@p.iam.gserviceaccount.com", "client_id": "1",
                 "private_key_id": "k1", "private_key": "-----BEGIN PRIVATE KEY-----\\nbm90LWEta2V5LXNlY3JldA==\\n-----END PRIVATE KEY-----\\n"}
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> googleKeyFile(key));

        assertTrue(e.getMessage().contains(key + " is not a valid service_account file"), e.getMessage());
        assertFalse(e.getMessage().contains("bm90LWEta2V5LXNlY3JldA"), e.getMessage());
    }

    @Test
    void googleSettingsThatCannotWorkAreRefused() {
        ConfigException both = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: google
                  keyFile: /etc/key.json
                  metadataHost: "127.0.0.1:8080"
                """));
        ConfigException url = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: google
                  metadataHost: "http://metadata.google.internal/"
                """));
        ConfigException noScopes = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: google
                  scopes: []
                """));
        ConfigException blankScope = assertThrows(ConfigException.class, () -> registryWith("""
                credentials:
                  kind: google
                  scopes: [null]
                """));

        assertTrue(both.getMessage().contains("keep one"), both.getMessage());
        assertTrue(url.getMessage().contains("credentials.metadataHost must be host or host:port"), url.getMessage());
        assertTrue(noScopes.getMessage().contains("credentials.scopes"), noScopes.getMessage());
        assertTrue(blankScope.getMessage().contains("credentials.scopes must list OAuth2 scopes"), blankScope.getMessage());
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
