package io.aicache.proxy.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An image put into a {@link FaultyUpstream}: per platform, an OCI manifest with a config and
 * random layers; with more than one platform, an OCI index over them under the tag.
 */
public final class SeededImage {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tag's digest (the index's, or the single manifest's). */
    private final String digest;
    /** Per platform ({@code linux/amd64}): the config and layer digests, with their sizes. */
    private final Map<String, Map<String, Integer>> blobsByPlatform;

    private SeededImage(String digest, Map<String, Map<String, Integer>> blobsByPlatform) {
        this.digest = digest;
        this.blobsByPlatform = blobsByPlatform;
    }

    /**
     * Seeds {@code repository:tag} with one image per platform; each platform gets
     * {@code layers} layers of {@code layerSize} bytes, and {@code shared} layers beyond those
     * that every platform has in common.
     */
    public static SeededImage seed(FaultyUpstream upstream, String repository, String tag, List<String> platforms,
                                   int layers, int layerSize, int shared) {
        Map<String, Map<String, Integer>> blobs = new LinkedHashMap<>();
        List<byte[]> sharedLayers = new ArrayList<>();
        for (int i = 0; i < shared; i++) {
            sharedLayers.add(TestBlobs.random(layerSize, ("shared" + repository + tag + i).hashCode()));
        }
        ArrayNode entries = JSON.createArrayNode();
        String single = null;
        for (String platform : platforms) {
            Map<String, Integer> platformBlobs = new LinkedHashMap<>();
            String[] parts = platform.split("/");
            byte[] config = JSON.createObjectNode().put("os", parts[0]).put("architecture", parts[1])
                    .put("marker", repository + tag).toString().getBytes(StandardCharsets.UTF_8);
            ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", TestBlobs.OCI_MANIFEST);
            manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json",
                    upstream.addBlob(repository, config), config.length));
            platformBlobs.put(TestBlobs.digestOf(config), config.length);
            ArrayNode layerArray = manifest.putArray("layers");
            List<byte[]> all = new ArrayList<>(sharedLayers);
            for (int i = 0; i < layers; i++) {
                all.add(TestBlobs.random(layerSize, (platform + repository + tag + i).hashCode()));
            }
            for (byte[] layer : all) {
                layerArray.add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", upstream.addBlob(repository, layer),
                        layer.length));
                platformBlobs.put(TestBlobs.digestOf(layer), layer.length);
            }
            byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
            String manifestDigest = upstream.addManifest(repository, platforms.size() == 1 ? tag : null,
                    TestBlobs.OCI_MANIFEST, manifestBytes);
            single = manifestDigest;
            ObjectNode entry = descriptor(TestBlobs.OCI_MANIFEST, manifestDigest, manifestBytes.length);
            entry.putObject("platform").put("os", parts[0]).put("architecture", parts[1]);
            if (parts.length > 2) {
                ((ObjectNode) entry.get("platform")).put("variant", parts[2]);
            }
            entries.add(entry);
            blobs.put(platform, platformBlobs);
        }
        if (platforms.size() == 1) {
            return new SeededImage(single, blobs);
        }
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", TestBlobs.OCI_INDEX);
        index.set("manifests", entries);
        String indexDigest = upstream.addManifest(repository, tag, TestBlobs.OCI_INDEX,
                index.toString().getBytes(StandardCharsets.UTF_8));
        return new SeededImage(indexDigest, blobs);
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    public String digest() {
        return digest;
    }

    /** The config and layers of one platform, digest to size. */
    public Map<String, Integer> blobs(String platform) {
        return blobsByPlatform.get(platform);
    }
}
