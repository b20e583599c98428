package io.aicache.proxy.oci;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import io.aicache.model.Digest;
import io.aicache.model.TagReference;
import io.aicache.proxy.http.RegistryException;
import io.aicache.storage.BlobStore;
import io.aicache.storage.TagRecord;

/**
 * The images that must never be evicted, written {@code registry/repository:tag} or
 * {@code registry/repository@digest}: those in the configuration, and those pinned at run
 * time (kept in the index, so they survive restarts). Each resolves to every digest it
 * references: the tag's manifest, an index's platform manifests, configs and layers.
 */
public final class PinnedImages {

    private static final String SETTING = "pins";

    private final UpstreamSelector selector;
    private final BlobStore store;
    private final ManifestGraph graph;
    private volatile List<String> configured;
    private final Set<String> runtime;

    /** @throws IllegalArgumentException naming a pin that is not {@code registry/repository:tag} or {@code @digest} */
    public PinnedImages(List<String> configuredPins, UpstreamSelector selector, BlobStore store, ManifestGraph graph) {
        this.selector = selector;
        this.store = store;
        this.graph = graph;
        configuredPins.forEach(pin -> root(pin));
        this.configured = List.copyOf(configuredPins);
        this.runtime = new LinkedHashSet<>(store.settings().get(SETTING)
                .map(bytes -> List.of(new String(bytes, StandardCharsets.UTF_8).split("\n")))
                .orElse(List.of()).stream().filter(pin -> !pin.isEmpty()).toList());
    }

    /** A pinned image and where the pin comes from. */
    public record Pin(String image, boolean fromConfiguration) {
    }

    public synchronized List<Pin> list() {
        List<Pin> pins = new ArrayList<>();
        configured.forEach(image -> pins.add(new Pin(image, true)));
        runtime.stream().filter(image -> !configured.contains(image)).forEach(image -> pins.add(new Pin(image, false)));
        return pins;
    }

    /**
     * Pins {@code image} until it is unpinned; false when it was pinned already.
     *
     * @throws IllegalArgumentException when it is not {@code registry/repository:tag} or {@code @digest}
     */
    public synchronized boolean pin(String image) {
        root(image);
        if (configured.contains(image) || !runtime.add(image)) {
            return false;
        }
        persist();
        return true;
    }

    /** What {@link #unpin} did. */
    public enum Unpinned { UNPINNED, NOT_PINNED, IN_CONFIGURATION }

    public synchronized Unpinned unpin(String image) {
        if (configured.contains(image)) {
            return Unpinned.IN_CONFIGURATION;
        }
        if (!runtime.remove(image)) {
            return Unpinned.NOT_PINNED;
        }
        persist();
        return Unpinned.UNPINNED;
    }

    /** The configuration's pins after a reload. */
    public void reconfigure(List<String> configuredPins) {
        configuredPins.forEach(pin -> root(pin));
        configured = List.copyOf(configuredPins);
    }

    /** Whether the image's manifest is kept, so its pin already holds something. */
    public boolean isKept(String image) {
        return resolve(image).isPresent();
    }

    /** Whether a pin names the kept tag {@code tag}. */
    public boolean pinsTag(TagReference tag) {
        return list().stream().map(pin -> root(pin.image()).tag).anyMatch(tag::equals);
    }

    /** What is pinned now, as a test; resolves the pins once. */
    public Predicate<Digest> snapshot() {
        Set<Digest> pinned = new HashSet<>();
        for (Pin pin : list()) {
            resolve(pin.image()).ifPresent(root -> graph.addClosure(root, pinned));
        }
        return pinned::contains;
    }

    private Optional<Digest> resolve(String image) {
        Root root = root(image);
        return root.digest != null ? Optional.of(root.digest)
                : store.tags().get(root.tag).map(TagRecord::digest);
    }

    private void persist() {
        store.settings().put(SETTING, String.join("\n", runtime).getBytes(StandardCharsets.UTF_8));
    }

    /** A pin is a kept tag, or a manifest digest. */
    private record Root(TagReference tag, Digest digest) {
    }

    private Root root(String pin) {
        int at = pin.indexOf('@');
        int colon = pin.lastIndexOf(':');
        int slash = pin.lastIndexOf('/');
        try {
            if (at > 0 && pin.indexOf('/') < at) {
                Digest digest = References.requireDigest(pin.substring(at + 1));
                selector.select(pin.substring(0, at), null);
                return new Root(null, digest);
            }
            if (colon <= slash || slash < 0) {
                throw new IllegalArgumentException("pinned image '" + pin
                        + "' is not registry/repository:tag or registry/repository@digest");
            }
            String tag = References.requireTag(pin.substring(colon + 1));
            return new Root(selector.select(pin.substring(0, colon), null).repository().tag(tag), null);
        } catch (RegistryException e) {
            throw new IllegalArgumentException("pinned image '" + pin + "': " + e.getMessage());
        }
    }
}
