package io.aicache.proxy.oci;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.aicache.proxy.http.RegistryException;
import io.aicache.storage.BlobStore;
import io.aicache.storage.Digest;
import io.aicache.storage.TagRecord;

/**
 * The images that must never be evicted ({@code registry/repository:tag}), resolved to every
 * digest they reference: the tag's manifest, an index's platform manifests, configs and layers.
 */
public final class PinnedImages {

    private final List<String> tagKeys;
    private final BlobStore store;
    private final ManifestGraph graph;

    /** @throws IllegalArgumentException naming a pin that is not {@code registry/repository:tag} */
    public PinnedImages(List<String> pins, UpstreamSelector selector, BlobStore store) {
        this.store = store;
        this.graph = new ManifestGraph(store);
        this.tagKeys = pins.stream().map(pin -> tagKey(pin, selector)).toList();
    }

    /** Whether the kept tag {@code tagKey} ({@code registry/repository:tag}) is pinned. */
    public boolean pinsTag(String tagKey) {
        return tagKeys.contains(tagKey);
    }

    /** What is pinned now, as a test; resolves the pins once. */
    public Predicate<Digest> snapshot() {
        Set<Digest> pinned = new HashSet<>();
        for (String tagKey : tagKeys) {
            store.index().tag(tagKey).map(TagRecord::digest).ifPresent(root -> graph.collect(root, pinned));
        }
        return pinned::contains;
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
