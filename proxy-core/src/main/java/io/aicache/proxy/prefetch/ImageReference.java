package io.aicache.proxy.prefetch;

import java.util.function.Predicate;

import io.aicache.model.Digest;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.oci.References;

/**
 * An image as people write it ({@code nginx:1.25}, {@code ghcr.io/org/app@sha256:...}), read
 * the way Docker reads it: a first component that looks like a host (or names a configured
 * registry) is the registry, else Docker Hub; no tag means {@code latest}; a digest wins over
 * a tag.
 *
 * @param reference the tag or the digest to pull
 */
public record ImageReference(String registry, String repository, String reference) {

    private static final String DOCKER_HUB = "docker.io";

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    public static ImageReference parse(String text, Predicate<String> isConfiguredRegistry) {
        String image = text == null ? "" : text.trim();
        if (image.isEmpty()) {
            throw new IllegalArgumentException("an image name is empty");
        }
        String reference = null;
        int at = image.indexOf('@');
        if (at >= 0) {
            reference = image.substring(at + 1);
            image = image.substring(0, at);
        }
        int colon = image.lastIndexOf(':');
        if (colon > image.lastIndexOf('/')) {
            String tag = image.substring(colon + 1);
            image = image.substring(0, colon);
            if (reference == null) {
                reference = tag;
            }
        }
        String registry = DOCKER_HUB;
        int slash = image.indexOf('/');
        if (slash > 0 && looksLikeRegistry(image.substring(0, slash), isConfiguredRegistry)) {
            registry = image.substring(0, slash);
            image = image.substring(slash + 1);
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        try {
            References.requireName(image);
            if (reference == null) {
                reference = "latest";
            } else if (at >= 0) {
                References.requireDigest(reference);
            } else {
                References.requireTag(reference);
            }
        } catch (RegistryException e) {
            throw new IllegalArgumentException("image '" + text + "': " + e.getMessage(), e);
        }
        return new ImageReference(registry, image, reference);
    }

    private static boolean looksLikeRegistry(String component, Predicate<String> isConfiguredRegistry) {
        return component.contains(".") || component.contains(":") || component.equals("localhost")
                || isConfiguredRegistry.test(component);
    }

    public boolean byDigest() {
        return Digest.looksLikeDigest(reference);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (byDigest() ? "@" : ":") + reference;
    }
}
