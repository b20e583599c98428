package io.aicache.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest as the OCI distribution spec writes it: {@code algorithm:hex}.
 *
 * <p>Only the algorithms registries use in practice are accepted (sha256, sha512), so
 * every digest aicache keeps can be verified.
 */
public record Digest(String algorithm, String hex) {

    public Digest {
        if (algorithm == null || hex == null) {
            throw new IllegalArgumentException("digest needs an algorithm and a hex value");
        }
        int length = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
        };
        if (!isLowerHex(hex, length)) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest value '" + hex + "'");
        }
    }

    /** Checked by hand: every request by digest builds one, and a regular expression cost more than the rest of the lookup. */
    private static boolean isLowerHex(String text, int length) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}; throws IllegalArgumentException otherwise. */
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing digest");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("digest '" + text + "' is not of the form algorithm:hex");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** True when {@code text} looks like a digest (has an algorithm part), as opposed to a tag. */
    public static boolean looksLikeDigest(String text) {
        return text.indexOf(':') > 0;
    }

    /** Digest of {@code bytes} with sha256. */
    public static Digest sha256Of(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(sha256().digest(bytes)));
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** True when {@code hashed} (a finished hasher's output) equals this digest. */
    public boolean matches(byte[] hashed) {
        return HexFormat.of().formatHex(hashed).equals(hex);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
