package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.Cli;

/** {@code aicache config check} on an access policy: what it says of a good one, and how it refuses a bad one. */
class ConfigCheckAccessTest {

    @TempDir
    Path dir;

    @Test
    void aGoodPolicyIsSummedUpAndANonBcryptHashRefusedByKey() throws IOException {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"),
                "alice:$2y$05$" + "a".repeat(53) + "\n");
        Path good = Files.writeString(dir.resolve("good.yaml"), """
                access:
                  enabled: true
                  htpasswd: "%s"
                  anonymous: ["docker.io/**"]
                  rules:
                    - users: [alice]
                      repositories: ["ghcr.io/example/**"]
                """.formatted(htpasswd));
        Cli.Result checked = Cli.run("config", "check", good.toString());
        assertEquals(0, checked.exitCode(), checked.err());
        assertTrue(checked.out().contains("access:   1 rules, 1 anonymous patterns, users from " + htpasswd), checked.out());

        Files.writeString(htpasswd, "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
        Cli.Result refused = Cli.run("config", "check", good.toString());
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("key 'access': htpasswd file '" + htpasswd
                + "' line 1: user 'alice' has a SHA-1 hash; only bcrypt is accepted"), refused.err());
    }
}
