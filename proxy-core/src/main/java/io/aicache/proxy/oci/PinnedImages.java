package io.aicache.proxy.oci;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.http.RegistryException;
import io.aicache.storage.BlobStore;
import io.aicache.storage.Digest;
import io.aicache.storage.TagRecord;

/**
 * The images that must never be evicted ({@code registry/repository:tag}), resolved to every
 * digest they reference: the tag's manifest, an index's platform manifests, configs and layers.
 */
public final class PinnedImages {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedImages.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> tagKeys;
    private final BlobStore store;

    /** @throws IllegalArgumentException naming a pin that is not {@code registry/repository:tag} */
    public PinnedImages(List<String> pins, UpstreamSelector selector, BlobStore store) {
        this.store = store;
        this.tagKeys = pins.stream().map(pin -> tagKey(pin, selector)).toList();
    }

    /** What is pinned now, as a test; resolves the pins once. */
    public Predicate<Digest> snapshot() {
        Set<Digest> pinned = new HashSet<>();
        for (String tagKey : tagKeys) {
            store.index().tag(tagKey).map(TagRecord::digest).ifPresent(root -> collect(root, pinned));
        }
        return pinned::contains;
    }

    private void collect(Digest root, Set<Digest> pinned) {
        Deque<Digest> manifests = new ArrayDeque<>(List.of(root));
        while (!manifests.isEmpty()) {
            Digest manifest = manifests.pop();
            if (!pinned.add(manifest)) {
                continue;
            }
            store.find(manifest).flatMap(store::readSmall).ifPresent(bytes -> {
                try {
                    JsonNode json = JSON.readTree(bytes);
                    addDigest(json.path("config"), pinned);
                    json.path("layers").forEach(layer -> addDigest(layer, pinned));
                    json.path("manifests").forEach(child -> digestOf(child).ifPresent(manifests::push));
                } catch (IOException e) {
                    LOG.warn("pinned manifest {} is not JSON; keeping only the manifest", manifest);
                }
            });
        }
    }

    private static void addDigest(JsonNode descriptor, Set<Digest> pinned) {
        digestOf(descriptor).ifPresent(pinned::add);
    }

    private static java.util.Optional<Digest> digestOf(JsonNode descriptor) {
        try {
            return descriptor.hasNonNull("digest")
                    ? java.util.Optional.of(Digest.parse(descriptor.get("digest").asText())) : java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static String tagKey(String pin, UpstreamSelector selector) {
        int colon = pin.lastIndexOf(':');
        int slash = pin.lastIndexOf('/');
        if (colon <= slash || slash < 0) {
            throw new IllegalArgumentException("pinned image '" + pin + "' is not registry/repository:tag");
        }
        try {
            String tag = References.requireTag(pin.substring(colon + 1));
            return selector.select(pin.substring(0, colon), null).key() + ":" + tag;
        } catch (RegistryException e) {
            throw new IllegalArgumentException("pinned image '" + pin + "': " + e.getMessage());
        }
    }
}
