package io.aicache.proxy.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/** Writes the files of an OCI image layout: {@code oci-layout}, {@code index.json} and content-addressed blobs. */
final class OciLayoutWriter {

    static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path layoutDir;
    private final Path blobDir;

    /** A layer blob together with the diff_id the image config must list for it. */
    record WrittenLayer(OciDescriptor blob, String diffId) {
    }

    /** Prepares {@code layoutDir}, which must not exist yet or be empty. */
    OciLayoutWriter(Path layoutDir) throws IOException {
        if (Files.isDirectory(layoutDir)) {
            try (var entries = Files.list(layoutDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("OCI layout directory is not empty: " + layoutDir);
                }
            }
        }
        this.layoutDir = layoutDir;
        this.blobDir = Files.createDirectories(layoutDir.resolve("blobs").resolve("sha256"));
        ObjectNode marker = JSON.createObjectNode().put("imageLayoutVersion", "1.0.0");
        Files.write(layoutDir.resolve("oci-layout"), JSON.writeValueAsBytes(marker));
    }

    /** Stores {@code json} serialized exactly once, so the digest covers the bytes a registry will serve. */
    OciDescriptor writeJson(String mediaType, JsonNode json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        MessageDigest digest = Sha256.newDigest();
        digest.update(bytes);
        String digestString = Sha256.digestString(digest);
        Files.write(blobPath(digestString), bytes);
        return new OciDescriptor(mediaType, digestString, bytes.length);
    }

    /** Generates a layer straight into the blob directory, naming it once its digest is known. */
    WrittenLayer writeLayer(String fileName, long contentSize, SplittableRandom random) throws IOException {
        Path partial = Files.createTempFile(blobDir, "layer-", ".partial");
        MessageDigest blobDigest = Sha256.newDigest();
        String diffId;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), blobDigest)) {
            diffId = RandomFileLayer.write(fileName, contentSize, random, out);
        }
        String digest = Sha256.digestString(blobDigest);
        long size = Files.size(partial);
        Files.move(partial, blobPath(digest), StandardCopyOption.REPLACE_EXISTING);
        return new WrittenLayer(new OciDescriptor(OciDescriptor.LAYER_TAR_GZIP, digest, size), diffId);
    }

    /** Writes {@code index.json} with a single entry, {@code root}, reachable under {@code tag}. */
    void writeIndexJson(OciDescriptor root, String tag) throws IOException {
        ObjectNode entry = root.toJson();
        entry.putObject("annotations").put(REF_NAME_ANNOTATION, tag);
        ObjectNode index = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", OciDescriptor.IMAGE_INDEX);
        index.putArray("manifests").add(entry);
        Files.write(layoutDir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private Path blobPath(String digest) {
        return blobDir.resolve(digest.substring(Sha256.PREFIX.length()));
    }
}
