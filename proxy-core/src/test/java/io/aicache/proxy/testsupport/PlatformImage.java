package io.aicache.proxy.testsupport;

import java.util.List;

/**
 * One platform-specific image inside an {@link OciImageLayout}: its manifest, config and layers.
 *
 * @param os           the config's {@code os}, e.g. {@code linux}
 * @param architecture the config's {@code architecture}, e.g. {@code amd64}
 * @param manifest     the image manifest blob
 * @param config       the image config blob
 * @param layers       the layer blobs, base layer first
 */
public record PlatformImage(
        String os, String architecture, OciDescriptor manifest, OciDescriptor config, List<OciDescriptor> layers) {

    public PlatformImage {
        layers = List.copyOf(layers);
    }
}
