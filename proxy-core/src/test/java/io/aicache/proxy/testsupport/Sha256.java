package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers producing OCI digest strings ({@code sha256:<hex>}). */
final class Sha256 {

    static final String PREFIX = "sha256:";

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK must provide SHA-256", e);
        }
    }

    /** Completes {@code digest} and formats it as {@code sha256:<hex>}. */
    static String digestString(MessageDigest digest) {
        return PREFIX + HexFormat.of().formatHex(digest.digest());
    }

    static String ofFile(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digestString(digest);
    }
}
