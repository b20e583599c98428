package io.aicache.proxy.testsupport;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A generated OCI image layout directory, ready for {@code skopeo copy oci:<path>:<tag> ...}.
 *
 * <p>Built with {@link #builder()}: either a single linux/amd64 image ({@link Builder#writeImage}) or a
 * multi-platform image index over linux/amd64 and linux/arm64 ({@link Builder#writeMultiPlatformIndex}).
 * Each layer is a gzip-compressed tar holding one file of seeded pseudo-random bytes, so the same builder
 * settings always produce the same digests, and different seeds produce unrelated images.
 */
public final class OciImageLayout {

    private final Path path;
    private final String tag;
    private final OciDescriptor manifest;
    private final List<PlatformImage> platformImages;

    private OciImageLayout(Path path, String tag, OciDescriptor manifest, List<PlatformImage> platformImages) {
        this.path = path;
        this.tag = tag;
        this.manifest = manifest;
        this.platformImages = List.copyOf(platformImages);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The layout directory. */
    public Path path() {
        return path;
    }

    /** The tag {@code index.json} names the image by ({@code org.opencontainers.image.ref.name}). */
    public String tag() {
        return tag;
    }

    /** What {@code index.json} refers to under {@link #tag()}: the image manifest, or the image index. */
    public OciDescriptor manifest() {
        return manifest;
    }

    /** Digest of {@link #manifest()}: what a registry serves for {@code GET /v2/<repo>/manifests/<tag>}. */
    public String manifestDigest() {
        return manifest.digest();
    }

    /** Config digest of a single-platform image. */
    public String configDigest() {
        return singleImage().config().digest();
    }

    /** Layers of a single-platform image, base layer first, with their compressed sizes. */
    public List<OciDescriptor> layers() {
        return singleImage().layers();
    }

    /** The config and layers of a single-platform image: what a pull fetches from {@code /blobs/}. */
    public List<String> pulledBlobDigests() {
        List<String> blobs = new ArrayList<>(List.of(configDigest()));
        layers().forEach(layer -> blobs.add(layer.digest()));
        return blobs;
    }

    /** One entry per platform: one for {@link Builder#writeImage}, two for the multi-platform variant. */
    public List<PlatformImage> platformImages() {
        return platformImages;
    }

    /** Digests of every blob in the layout: image index (if any), manifests, configs and layers. */
    public Set<String> blobDigests() {
        Set<String> digests = new LinkedHashSet<>();
        digests.add(manifest.digest());
        for (PlatformImage image : platformImages) {
            digests.add(image.manifest().digest());
            digests.add(image.config().digest());
            image.layers().forEach(layer -> digests.add(layer.digest()));
        }
        return digests;
    }

    private PlatformImage singleImage() {
        if (platformImages.size() != 1) {
            throw new IllegalStateException("multi-platform layout: use platformImages()");
        }
        return platformImages.get(0);
    }

    /** Collects the image's shape and writes the layout. Defaults: tag {@code latest}, seed 1. */
    public static final class Builder {

        private static final String OS = "linux";

        private String tag = "latest";
        private long seed = 1;
        private long[] layerSizes;

        private Builder() {
        }

        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        /** Seeds the layer content; use different seeds for images that must not share blobs. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Uncompressed size in bytes of the file in each layer, base layer first; at least one. */
        public Builder layerSizes(long... layerSizes) {
            if (layerSizes.length == 0) {
                throw new IllegalArgumentException("an image needs at least one layer");
            }
            this.layerSizes = layerSizes.clone();
            return this;
        }

        /** Writes a single linux/amd64 image into {@code dir}, which must not exist or be empty. */
        public OciImageLayout writeImage(Path dir) throws IOException {
            OciLayoutWriter writer = new OciLayoutWriter(dir);
            PlatformImage image = writePlatformImage(writer, "amd64", new SplittableRandom(seed));
            writer.writeIndexJson(image.manifest(), tag);
            return new OciImageLayout(dir, tag, image.manifest(), List.of(image));
        }

        /**
         * Writes an image index over linux/amd64 and linux/arm64 into {@code dir}, which must not exist or be
         * empty. Both platforms get the configured layer sizes, with different content.
         */
        public OciImageLayout writeMultiPlatformIndex(Path dir) throws IOException {
            OciLayoutWriter writer = new OciLayoutWriter(dir);
            SplittableRandom random = new SplittableRandom(seed);
            List<PlatformImage> images = new ArrayList<>();
            ArrayNode indexEntries = JsonNodeFactory.instance.arrayNode();
            for (String architecture : List.of("amd64", "arm64")) {
                PlatformImage image = writePlatformImage(writer, architecture, random.split());
                images.add(image);
                ObjectNode entry = image.manifest().toJson();
                entry.putObject("platform").put("architecture", architecture).put("os", OS);
                indexEntries.add(entry);
            }
            ObjectNode index = JsonNodeFactory.instance.objectNode()
                    .put("schemaVersion", 2)
                    .put("mediaType", OciDescriptor.IMAGE_INDEX);
            index.set("manifests", indexEntries);
            OciDescriptor indexBlob = writer.writeJson(OciDescriptor.IMAGE_INDEX, index);
            writer.writeIndexJson(indexBlob, tag);
            return new OciImageLayout(dir, tag, indexBlob, images);
        }

        private PlatformImage writePlatformImage(OciLayoutWriter writer, String architecture, SplittableRandom random)
                throws IOException {
            if (layerSizes == null) {
                throw new IllegalStateException("layerSizes(...) was not set");
            }
            List<OciDescriptor> layers = new ArrayList<>();
            ArrayNode diffIds = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < layerSizes.length; i++) {
                OciLayoutWriter.WrittenLayer layer = writer.writeLayer("layer-" + i + ".bin", layerSizes[i], random);
                layers.add(layer.blob());
                diffIds.add(layer.diffId());
            }
            OciDescriptor config = writer.writeJson(OciDescriptor.IMAGE_CONFIG, imageConfig(architecture, diffIds));
            ObjectNode manifest = JsonNodeFactory.instance.objectNode()
                    .put("schemaVersion", 2)
                    .put("mediaType", OciDescriptor.IMAGE_MANIFEST);
            manifest.set("config", config.toJson());
            ArrayNode layerEntries = manifest.putArray("layers");
            layers.forEach(layer -> layerEntries.add(layer.toJson()));
            OciDescriptor manifestBlob = writer.writeJson(OciDescriptor.IMAGE_MANIFEST, manifest);
            return new PlatformImage(OS, architecture, manifestBlob, config, layers);
        }

        private static ObjectNode imageConfig(String architecture, ArrayNode diffIds) {
            ObjectNode config = JsonNodeFactory.instance.objectNode()
                    .put("architecture", architecture)
                    .put("os", OS);
            config.putObject("config");
            ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
            rootfs.set("diff_ids", diffIds);
            return config;
        }
    }
}
