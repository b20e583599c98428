package io.aicache.proxy.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Content for tests: reproducible random blobs, small manifests, and their digests. */
public final class TestBlobs {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private TestBlobs() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    public static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String digestOf(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The hex part of a {@code sha256:<hex>} digest. */
    public static String hexOf(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /**
     * A small, valid-looking manifest of {@code mediaType}; {@code marker} makes it unique
     * (an annotation), so two calls with different markers give different digests.
     */
    public static byte[] manifest(String mediaType, String marker) {
        String body = mediaType.contains("index") || mediaType.contains("list")
                ? "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":[],"
                        + "\"annotations\":{\"test.marker\":\"" + marker + "\"}}"
                : "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        + "\"digest\":\"" + digestOf(marker.getBytes(StandardCharsets.UTF_8)) + "\",\"size\":"
                        + marker.length() + "},\"layers\":[],\"annotations\":{\"test.marker\":\"" + marker + "\"}}";
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
