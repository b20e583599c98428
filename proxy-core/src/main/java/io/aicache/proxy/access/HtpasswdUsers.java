package io.aicache.proxy.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.aicache.proxy.config.HtpasswdFile;

/**
 * The users of an htpasswd file of bcrypt hashes, read again when its modification time changes.
 * A check runs bcrypt on the executor it is given, never on an event loop, and costs one bcrypt
 * whether the user exists or not (an unknown user is checked against a hash of the same cost). A
 * passed check is remembered for a minute under a keyed hash of the credentials, so a client that
 * sends Basic credentials on every request pays bcrypt once; the password itself is kept nowhere.
 */
public final class HtpasswdUsers {

    private static final Logger LOG = LoggerFactory.getLogger(HtpasswdUsers.class);
    private static final Duration PASSED_CHECKS_KEPT = Duration.ofMinutes(1);
    private static final int DEFAULT_COST = 10;
    private static final BCrypt.Verifyer VERIFYER = BCrypt.verifyer(BCrypt.Version.VERSION_2Y,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y));

    /** What the file held when last read. */
    private record Users(Map<String, String> hashes, String unknownUserHash, FileTime modified) {
    }

    private final Path file;
    private final Executor checks;
    private final byte[] credentialKey = new byte[32];
    private final Cache<String, Identity> passed = Caffeine.newBuilder()
            .expireAfterWrite(PASSED_CHECKS_KEPT).maximumSize(10_000).build();
    private volatile Users users;

    /**
     * @param file   the htpasswd file, or {@code null} for no users
     * @param checks where bcrypt runs
     */
    public HtpasswdUsers(Path file, Executor checks) {
        this.file = file;
        this.checks = checks;
        new SecureRandom().nextBytes(credentialKey);
        this.users = file == null ? new Users(Map.of(), dummyHash(DEFAULT_COST), null) : read(modifiedTime());
    }

    /** Reads the file again when it changed; a file that has become invalid leaves the users as they were. */
    public void reloadIfChanged() {
        if (file == null) {
            return;
        }
        FileTime modified;
        try {
            modified = modifiedTime();
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; keeping the {} users read before", e.getMessage(), users.hashes().size());
            return;
        }
        if (modified.equals(users.modified())) {
            return;
        }
        try {
            users = read(modified);
            passed.invalidateAll();
            LOG.info("access: read {} users from {}", users.hashes().size(), file);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; keeping the {} users read before", e.getMessage(), users.hashes().size());
        }
    }

    /** The user these credentials are, or empty when they are not a user's. */
    public CompletableFuture<Optional<Identity>> check(String user, String password) {
        String key = credentialKey(user, password);
        Identity known = passed.getIfPresent(key);
        if (known != null) {
            return CompletableFuture.completedFuture(Optional.of(known));
        }
        Users current = users;
        return CompletableFuture.supplyAsync(() -> {
            String hash = current.hashes().get(user);
            boolean verified = VERIFYER.verify(password.getBytes(StandardCharsets.UTF_8),
                    (hash != null ? hash : current.unknownUserHash()).getBytes(StandardCharsets.US_ASCII)).verified;
            if (!verified || hash == null) {
                return Optional.<Identity>empty();
            }
            Identity identity = new Identity(user);
            passed.put(key, identity);
            return Optional.of(identity);
        }, checks);
    }

    private Users read(FileTime modified) {
        Map<String, String> hashes = HtpasswdFile.read(file);
        int cost = hashes.values().stream().findFirst().map(HtpasswdUsers::costOf).orElse(DEFAULT_COST);
        return new Users(Map.copyOf(hashes), dummyHash(cost), modified);
    }

    private FileTime modifiedTime() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("htpasswd file '" + file + "' cannot be read: " + e);
        }
    }

    private static int costOf(String hash) {
        return Integer.parseInt(hash.substring(4, 6));
    }

    private static String dummyHash(int cost) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(cost, random), StandardCharsets.US_ASCII);
    }

    private String credentialKey(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(credentialKey, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
        }
    }
}
