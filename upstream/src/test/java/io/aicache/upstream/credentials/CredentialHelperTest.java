package io.aicache.upstream.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;

/** Real helper processes, written by the test, speaking Docker's credential helper protocol. */
class CredentialHelperTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private CredentialHelper helper(String name, String script) throws IOException {
        Path executable = dir.resolve("docker-credential-" + name);
        Files.writeString(executable, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwx------"));
        return CredentialHelper.find(name, List.of(dir.resolve("elsewhere"), dir), TIMEOUT);
    }

    @Test
    void theHelperIsAskedWithTheServerUrlAndAnswersUsernameAndSecret() throws IOException {
        CredentialHelper helper = helper("echo", """
                url=$(cat)
                printf '{"ServerURL":"%s","Username":"user-for-%s","Secret":"secret"}' "$url" "$url"
                """);
        assertEquals(Optional.of(new Credentials("user-for-registry.test:5000", "secret")), helper.get("registry.test:5000"));
    }

    @Test
    void aHelperThatHoldsNothingForTheServerSaysSo() throws IOException {
        CredentialHelper helper = helper("empty", "cat >/dev/null\necho 'credentials not found in native keychain'\nexit 1\n");
        assertTrue(helper.get("quay.io").isEmpty());
    }

    @Test
    void aFailingHelperIsAnErrorWithItsExitCodeAndFirstLine() throws IOException {
        CredentialHelper helper = helper("broken", "cat >/dev/null\necho 'no identity: run aws configure' >&2\nexit 3\n");
        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class, () -> helper.get("x"));
        assertTrue(e.getMessage().contains("'broken' exited with 3: no identity: run aws configure"), e.getMessage());
    }

    @Test
    void anAnswerThatIsNotCredentialsIsRefusedWithoutRepeatingIt() throws IOException {
        CredentialHelper helper = helper("garbled", "cat >/dev/null\necho 'Secret=hunter2'\n");
        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class, () -> helper.get("x"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aMissingHelperNamesWhereItWasLookedFor() {
        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
                () -> CredentialHelper.find("ecr-login", List.of(dir), TIMEOUT));
        assertTrue(e.getMessage().contains("docker-credential-ecr-login"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertThrows(CredentialsUnavailableException.class, () -> CredentialHelper.find("../sh", List.of(dir), TIMEOUT));
    }
}
