package io.aicache.proxy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Where the images to prefetch can be listed: a file of names, or Kubernetes manifests. */
final class ImageSources {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");

    private ImageSources() {
    }

    /** One image per line; blank lines and lines starting with {@code #} are skipped. */
    static List<String> fromFile(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read image list " + file + ": " + e.getMessage());
        }
    }

    /**
     * The images of every container, init container and ephemeral container in a Kubernetes
     * manifest file (several documents, Lists and any workload kind), each once, in order.
     */
    static List<String> fromKubernetesManifest(Path file) {
        Set<String> images = new LinkedHashSet<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (documents.hasNext()) {
                collectContainerImages(documents.next(), images);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read Kubernetes manifest " + file + ": " + e.getMessage());
        }
        return List.copyOf(images);
    }

    /** Adds the images of every container list anywhere under {@code node} (a pod spec at any depth). */
    static void collectContainerImages(JsonNode node, Set<String> images) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (String list : CONTAINER_LISTS) {
                node.path(list).forEach(container -> {
                    String image = container.path("image").asText("");
                    if (!image.isBlank()) {
                        images.add(image.trim());
                    }
                });
            }
        }
        if (node.isContainerNode()) {
            node.forEach(child -> collectContainerImages(child, images));
        }
    }
}
