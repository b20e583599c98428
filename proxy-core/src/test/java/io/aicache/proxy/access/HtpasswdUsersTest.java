package io.aicache.proxy.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import at.favre.lib.crypto.bcrypt.BCrypt;

class HtpasswdUsersTest {

    private final ExecutorService checks = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        checks.shutdownNow();
    }

    @Test
    void bcryptRunsOnTheExecutorAndAPassedCheckIsRemembered() throws Exception {
        AtomicInteger handedOver = new AtomicInteger();
        Executor counting = task -> {
            handedOver.incrementAndGet();
            checks.execute(task);
        };
        HtpasswdUsers users = new HtpasswdUsers(file("alice:" + hash("right") + "\n"), counting);

        assertEquals(Optional.of(new Identity("alice")), users.check("alice", "right").get(30, TimeUnit.SECONDS));
        assertEquals(1, handedOver.get(), "bcrypt ran on the executor");
        assertTrue(users.check("alice", "right").isDone(), "the second check is answered from memory");
        assertEquals(1, handedOver.get());
        assertEquals(Optional.empty(), users.check("alice", "wrong").get(30, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), users.check("nobody", "right").get(30, TimeUnit.SECONDS));
        assertEquals(3, handedOver.get(), "a wrong password and an unknown user each cost one bcrypt");
    }

    @Test
    void aFileThatBecomesInvalidLeavesTheUsersAsTheyWere() throws Exception {
        Path file = file("alice:" + hash("right") + "\n");
        HtpasswdUsers users = new HtpasswdUsers(file, checks);

        Files.writeString(file, "alice:$apr1$abcdefgh$0123456789abcdefghijkl\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        users.reloadIfChanged();

        assertEquals(Optional.of(new Identity("alice")), users.check("alice", "right").get(30, TimeUnit.SECONDS));
    }

    @Test
    void aChangedPasswordTakesEffectAndTheRememberedCheckIsForgotten() throws Exception {
        Path file = file("alice:" + hash("old") + "\n");
        HtpasswdUsers users = new HtpasswdUsers(file, checks);
        assertTrue(users.check("alice", "old").get(30, TimeUnit.SECONDS).isPresent());

        Files.writeString(file, "alice:" + hash("new") + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        users.reloadIfChanged();

        assertEquals(Optional.empty(), users.check("alice", "old").get(30, TimeUnit.SECONDS));
        assertTrue(users.check("alice", "new").get(30, TimeUnit.SECONDS).isPresent());
    }

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("htpasswd"), text);
    }

    private static String hash(String password) {
        return BCrypt.withDefaults().hashToString(4, password.toCharArray());
    }
}
