package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import at.favre.lib.crypto.bcrypt.BCrypt;

/** {@code aicache config check} on access control: what it refuses, by key and value. */
class AccessConfigTest {

    private final ConfigLoader loader = new ConfigLoader(name -> null);

    @TempDir
    Path dir;

    @Test
    void byDefaultNothingIsRestricted() {
        AccessConfig access = loader.defaults().access();

        assertFalse(access.enabled());
        assertFalse(access.restricts());
        assertTrue(access.rules().isEmpty());
    }

    @Test
    void readsUsersGroupsRulesAndAnonymousPatterns() throws IOException {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"),
                "alice:" + BCrypt.withDefaults().hashToString(4, "pw".toCharArray()) + "\n");

        AccessConfig access = loader.fromYaml("""
                access:
                  enabled: true
                  htpasswd: "%s"
                  anonymous: ["docker.io/**"]
                  groups: {platform: [alice]}
                  rules:
                    - groups: [platform]
                      repositories: ["registry.example.com/team-a/**"]
                """.formatted(htpasswd), "test").access();

        assertTrue(access.restricts());
        assertEquals(List.of("pull"), access.rules().get(0).actions());
    }

    @Test
    void refusesWhatCannotWorkNamingTheKey() throws IOException {
        Path md5 = Files.writeString(dir.resolve("md5"), "alice:$apr1$abcdefgh$0123456789abcdefghijkl\n");
        Path missing = dir.resolve("missing");
        String[][] wrong = {
                {"access: {enabled: true, htpasswd: \"" + md5 + "\"}", "access", "htpasswd file '" + md5 + "' line 1: user 'alice' has a MD5 (apr1) hash"},
                {"access: {enabled: true, htpasswd: \"" + missing + "\"}", "access", "htpasswd file '" + missing + "' cannot be read: it does not exist"},
                {"access: {enabled: true, tokenKey: \"" + missing + "\"}", "access", "tokenKey '" + missing + "' cannot be read"},
                {"access: {rules: [{users: [alice]}]}", "access.rules[0]", "the rule for alice names no repositories pattern"},
                {"access: {rules: [{users: [alice], repositories: [\"\"]}]}", "access.rules[0]", "names nothing"},
                {"access: {rules: [{repositories: [\"docker.io/**\"]}]}", "access.rules[0]", "needs users or groups"},
                {"access: {rules: [{users: [a], repositories: [\"docker.io/x:latest\"]}]}", "access.rules[0]", "'docker.io/x:latest' names tags"},
                {"access: {rules: [{users: [a], repositories: [\"docker.io/**\"], actions: [push]}]}", "access.rules[0]",
                        "action 'push'"},
                {"access: {rules: [{groups: [nobody], repositories: [\"docker.io/**\"]}]}", "access", "rules: a rule names group 'nobody'"},
                {"access: {anonymous: [\"alpine\"]}", "access", "anonymous: rule 'alpine' is not registry/repository"},
                {"access: {tokenRealm: \"aicache:5000/token\"}", "access", "tokenRealm must be an http:// or https:// URL"},
        };
        for (String[] c : wrong) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.fromYaml(c[0], "test"), c[0]);
            assertTrue(e.getMessage().contains("key '" + c[1] + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
            assertFalse(e.getMessage().contains("0123456789abcdefghijkl"), "the hash is not shown: " + e.getMessage());
        }
    }
}
