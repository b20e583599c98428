package io.aicache.proxy.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What an OCI image layout directory holds, read back after a pull: the digest {@code index.json} refers to
 * and the digests of all blobs, each verified against its content.
 *
 * @param path           the layout directory
 * @param manifestDigest digest of the single {@code index.json} entry (image manifest or image index)
 * @param blobDigests    digests of every file under {@code blobs/sha256}
 */
public record PulledOciLayout(Path path, String manifestDigest, Set<String> blobDigests) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PulledOciLayout {
        blobDigests = Set.copyOf(blobDigests);
    }

    /**
     * Reads the layout at {@code dir}.
     *
     * @throws IOException if {@code index.json} does not have exactly one entry, or a blob's SHA-256 does
     *                     not match its file name
     */
    public static PulledOciLayout read(Path dir) throws IOException {
        JsonNode entries = JSON.readTree(dir.resolve("index.json").toFile()).path("manifests");
        if (entries.size() != 1) {
            throw new IOException("expected one entry in " + dir.resolve("index.json") + ", found " + entries.size());
        }
        Set<String> blobDigests = new TreeSet<>();
        try (Stream<Path> blobs = Files.list(dir.resolve("blobs").resolve("sha256"))) {
            for (Path blob : blobs.toList()) {
                String expected = Sha256.PREFIX + blob.getFileName();
                String actual = Sha256.ofFile(blob);
                if (!actual.equals(expected)) {
                    throw new IOException("blob " + blob + " has digest " + actual);
                }
                blobDigests.add(actual);
            }
        }
        return new PulledOciLayout(dir, entries.get(0).path("digest").asText(), blobDigests);
    }
}
