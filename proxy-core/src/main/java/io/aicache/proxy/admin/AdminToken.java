package io.aicache.proxy.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The admin API's bearer token: the configured one, or a random one created on first start
 * in {@code <dataDir>/admin-token}, readable by its owner alone.
 */
public final class AdminToken {

    public static final String FILE_NAME = "admin-token";

    private final byte[] token;

    private AdminToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** The configured token, else the one in the data directory, created when missing. */
    public static AdminToken resolve(String configured, Path dataDir) {
        if (!configured.isEmpty()) {
            return new AdminToken(configured);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Optional<String> kept = read(file);
            if (kept.isPresent()) {
                return new AdminToken(kept.get());
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String created = HexFormat.of().formatHex(random);
            Files.createDirectories(dataDir);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, created + "\n");
            } catch (FileAlreadyExistsException raced) {
                return new AdminToken(read(file).orElseThrow());
            }
            return new AdminToken(created);
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the admin token in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The token kept in a data directory, for the CLI. */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file).trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** Whether an {@code Authorization} header carries the token; compared in constant time. */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }
}
