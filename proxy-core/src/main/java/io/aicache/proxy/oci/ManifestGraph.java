package io.aicache.proxy.oci;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.model.Digest;
import io.aicache.storage.BlobStore;

/**
 * What a kept manifest references, read from the store: an index's manifests, and each
 * manifest's config and layers. Only kept manifests are read; nothing is fetched.
 */
public final class ManifestGraph {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestGraph.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlobStore store;

    public ManifestGraph(BlobStore store) {
        this.store = store;
    }

    /** {@code root} and every digest reachable from it through kept manifests. */
    public Set<Digest> closure(Digest root) {
        Set<Digest> reached = new LinkedHashSet<>();
        addClosure(root, reached);
        return reached;
    }

    /** Adds {@code root} and what it reaches to {@code reached}; digests already there are not walked again. */
    public void addClosure(Digest root, Set<Digest> reached) {
        Deque<Digest> manifests = new ArrayDeque<>(List.of(root));
        while (!manifests.isEmpty()) {
            Digest manifest = manifests.pop();
            if (!reached.add(manifest)) {
                continue;
            }
            store.find(manifest).filter(blob -> blob.record().size() <= MAX_MANIFEST_BYTES)
                    .flatMap(store::readSmall).ifPresent(bytes -> {
                        try {
                            readReferences(bytes, reached::add, manifests::push);
                        } catch (IOException e) {
                            LOG.debug("kept object {} is not a JSON manifest", manifest);
                        }
                    });
        }
    }

    /** Gives a manifest's config and layers to {@code blobs}, and an index's manifests to {@code children}. */
    static void readReferences(byte[] manifest, Consumer<Digest> blobs, Consumer<Digest> children) throws IOException {
        JsonNode json = JSON.readTree(manifest);
        digestOf(json.path("config")).ifPresent(blobs);
        json.path("layers").forEach(layer -> digestOf(layer).ifPresent(blobs));
        json.path("manifests").forEach(child -> digestOf(child).ifPresent(children));
    }

    /** Manifests are small; a large blob named as a root is a layer, not worth reading. */
    private static final long MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private static Optional<Digest> digestOf(JsonNode descriptor) {
        if (!descriptor.hasNonNull("digest")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Digest.parse(descriptor.get("digest").asText()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
