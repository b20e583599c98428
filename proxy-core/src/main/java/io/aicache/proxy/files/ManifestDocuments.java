package io.aicache.proxy.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Kubernetes objects of a YAML or JSON file, each flattened to {@code path: value} lines and
 * named by apiVersion, kind, namespace and name ({@code kind: List} and {@code *List} items are
 * objects of their own). Reading is bounded, so a YAML bomb costs little: SnakeYAML's safe
 * constructor with at most {@value #MAX_ALIASES} aliases to collections, nesting
 * {@value #MAX_DEPTH} deep, documents of {@value #MAX_BYTES} bytes, and at most
 * {@value #MAX_NODES} values once aliases are followed; past a bound, {@link TooComplexException}.
 */
final class ManifestDocuments {

    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 64;
    static final int MAX_BYTES = 8 << 20;
    static final int MAX_NODES = 1_000_000;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build());

    /** A file past one of the bounds: refused, never read further. */
    static final class TooComplexException extends RuntimeException {
        TooComplexException(String message) {
            super(message);
        }
    }

    /** One object: its name ({@code apps/v1 Deployment default/web}) and its values, flattened in document order. */
    record ManifestObject(String id, Map<String, String> values) {
    }

    private ManifestDocuments() {
    }

    /** Whether a file of this path or content type is read as YAML or JSON. */
    static boolean isStructured(String path, String contentType) {
        String lower = path.toLowerCase(Locale.ROOT);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")
                || type.contains("yaml") || type.contains("json");
    }

    /**
     * The objects of {@code bytes}; null when they are not YAML or JSON at all (a template, plain text).
     *
     * @throws TooComplexException when reading them passes a bound
     */
    static List<ManifestObject> read(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new TooComplexException("the file is " + bytes.length + " bytes; YAML and JSON are read up to " + MAX_BYTES);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Object> documents = new ArrayList<>();
        String start = text.stripLeading();
        try {
            if (start.startsWith("{") || start.startsWith("[")) {
                documents.add(JSON.readValue(text, Object.class));
            } else {
                for (Object document : yaml().loadAll(text)) {
                    documents.add(document);
                }
            }
        } catch (MarkedYAMLException | IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("nesting depth")) {
                throw new TooComplexException("the file nests deeper than " + MAX_DEPTH + " levels");
            }
            return null;
        } catch (YAMLException e) {
            // Unmarked: one of the loader's limits (aliases, nesting depth, size), not a syntax error.
            throw new TooComplexException("the YAML passes a bound (" + MAX_ALIASES + " aliases to collections, "
                    + MAX_DEPTH + " levels, " + MAX_BYTES + " bytes): " + e.getMessage());
        }
        List<ManifestObject> objects = new ArrayList<>();
        int[] nodes = {0};
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            Object document = documents.get(i);
            if (document == null) {
                continue;
            }
            List<?> items = listItems(document);
            if (items != null) {
                for (int j = 0; j < items.size(); j++) {
                    add(objects, seen, items.get(j), "document " + (i + 1) + " item " + (j + 1), nodes);
                }
            } else {
                add(objects, seen, document, "document " + (i + 1), nodes);
            }
        }
        return objects;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** The items of a {@code kind: List} (or {@code ConfigMapList}...) object; null for any other document. */
    private static List<?> listItems(Object document) {
        if (document instanceof Map<?, ?> map && map.get("kind") instanceof String kind && kind.endsWith("List")
                && map.get("items") instanceof List<?> items) {
            return items;
        }
        return null;
    }

    private static void add(List<ManifestObject> objects, Map<String, Integer> seen, Object node, String fallback, int[] nodes) {
        Map<String, String> values = new LinkedHashMap<>();
        flatten("", node, values, nodes, 0);
        String id = idOf(node, fallback);
        int count = seen.merge(id, 1, Integer::sum);
        objects.add(new ManifestObject(count == 1 ? id : id + " #" + count, values));
    }

    private static String idOf(Object node, String fallback) {
        if (!(node instanceof Map<?, ?> map) || !(map.get("kind") instanceof String kind)) {
            return fallback;
        }
        Object apiVersion = map.get("apiVersion");
        Map<?, ?> metadata = map.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        Object namespace = metadata.get("namespace");
        Object name = metadata.get("name");
        return (apiVersion == null ? "" : apiVersion + " ") + kind + " "
                + (namespace == null ? "" : namespace + "/") + (name == null ? "(no name)" : name);
    }

    private static void flatten(String path, Object node, Map<String, String> out, int[] nodes, int depth) {
        if (++nodes[0] > MAX_NODES || depth > MAX_DEPTH) {
            throw new TooComplexException("the file holds more than " + MAX_NODES + " values once its aliases are followed");
        }
        if (node instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.put(path, "{}");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                flatten(path.isEmpty() ? String.valueOf(entry.getKey()) : path + "." + entry.getKey(), entry.getValue(),
                        out, nodes, depth + 1);
            }
        } else if (node instanceof List<?> list) {
            if (list.isEmpty()) {
                out.put(path, "[]");
            }
            for (int i = 0; i < list.size(); i++) {
                flatten(path + "[" + i + "]", list.get(i), out, nodes, depth + 1);
            }
        } else {
            out.put(path, node == null ? "null" : String.valueOf(node));
        }
    }
}
