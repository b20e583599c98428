package io.aicache.proxy.files;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import io.aicache.proxy.files.ManifestDocuments.ManifestObject;

/**
 * What changed between two versions of a file. YAML and JSON are compared per Kubernetes object,
 * matched by apiVersion, kind, namespace and name: objects added ({@code +}), removed ({@code -})
 * and changed ({@code ~}, with each value that changed, came or went); other text is a unified diff.
 */
public final class FileDiff {

    private static final int CONTEXT_LINES = 3;

    private FileDiff() {
    }

    /**
     * The difference from {@code before} to {@code after}, as lines to print; empty when they are the same.
     *
     * @param name        the file's name in the diff's header ({@code github/org/repo/.../app.yaml})
     * @param contentType the file's {@code Content-Type}, or empty
     * @throws IllegalArgumentException when a YAML or JSON version passes the reading bounds (a YAML bomb)
     */
    public static List<String> diff(String name, String contentType, String beforeLabel, byte[] before,
                                    String afterLabel, byte[] after) {
        if (ManifestDocuments.isStructured(name, contentType)) {
            try {
                List<ManifestObject> old = ManifestDocuments.read(before);
                List<ManifestObject> now = ManifestDocuments.read(after);
                if (old != null && now != null) {
                    return objectDiff(old, now);
                }
            } catch (ManifestDocuments.TooComplexException e) {
                throw new IllegalArgumentException("not compared: " + e.getMessage());
            }
        }
        return textDiff(name, beforeLabel, before, afterLabel, after);
    }

    private static List<String> objectDiff(List<ManifestObject> before, List<ManifestObject> after) {
        Map<String, Map<String, String>> old = byId(before);
        Map<String, Map<String, String>> now = byId(after);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> object : now.entrySet()) {
            Map<String, String> was = old.get(object.getKey());
            if (was == null) {
                lines.add("+ " + object.getKey());
            } else if (!was.equals(object.getValue())) {
                lines.add("~ " + object.getKey());
                lines.addAll(valueChanges(was, object.getValue()));
            }
        }
        for (String id : old.keySet()) {
            if (!now.containsKey(id)) {
                lines.add("- " + id);
            }
        }
        return lines;
    }

    private static List<String> valueChanges(Map<String, String> was, Map<String, String> now) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> value : now.entrySet()) {
            String old = was.get(value.getKey());
            if (old == null) {
                lines.add("    + " + value.getKey() + ": " + value.getValue());
            } else if (!Objects.equals(old, value.getValue())) {
                lines.add("    ~ " + value.getKey() + ": " + old + " -> " + value.getValue());
            }
        }
        for (Map.Entry<String, String> value : was.entrySet()) {
            if (!now.containsKey(value.getKey())) {
                lines.add("    - " + value.getKey() + ": " + value.getValue());
            }
        }
        return lines;
    }

    private static Map<String, Map<String, String>> byId(List<ManifestObject> objects) {
        Map<String, Map<String, String>> byId = new LinkedHashMap<>();
        objects.forEach(object -> byId.put(object.id(), object.values()));
        return byId;
    }

    private static List<String> textDiff(String name, String beforeLabel, byte[] before, String afterLabel, byte[] after) {
        List<String> old = lines(before);
        List<String> now = lines(after);
        Patch<String> patch = DiffUtils.diff(old, now);
        if (patch.getDeltas().isEmpty()) {
            return List.of();
        }
        return UnifiedDiffUtils.generateUnifiedDiff(name + " (" + beforeLabel + ")", name + " (" + afterLabel + ")",
                old, patch, CONTEXT_LINES);
    }

    private static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\r?\n", -1));
    }
}
