package io.aicache.proxy.oci;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.storage.BlobStore;
import io.aicache.storage.Digest;

/**
 * What kept manifests reference: an index's platform manifests, a manifest's config and
 * layers, followed through whatever of them is kept. Pins and garbage collection both ask it.
 */
public final class ManifestGraph {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestGraph.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlobStore store;

    public ManifestGraph(BlobStore store) {
        this.store = store;
    }

    /** Adds {@code root} and every digest it references, directly or through kept child manifests, to {@code into}. */
    public void collect(Digest root, Set<Digest> into) {
        Deque<Digest> manifests = new ArrayDeque<>(List.of(root));
        while (!manifests.isEmpty()) {
            Digest manifest = manifests.pop();
            if (!into.add(manifest)) {
                continue;
            }
            store.find(manifest).flatMap(store::readSmall).ifPresent(bytes -> {
                try {
                    JsonNode json = JSON.readTree(bytes);
                    digestOf(json.path("config")).ifPresent(into::add);
                    json.path("layers").forEach(layer -> digestOf(layer).ifPresent(into::add));
                    json.path("manifests").forEach(child -> digestOf(child).ifPresent(manifests::push));
                } catch (IOException e) {
                    LOG.warn("kept manifest {} is not JSON; it references nothing", manifest);
                }
            });
        }
    }

    private static Optional<Digest> digestOf(JsonNode descriptor) {
        try {
            return descriptor.hasNonNull("digest") ? Optional.of(Digest.parse(descriptor.get("digest").asText())) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
