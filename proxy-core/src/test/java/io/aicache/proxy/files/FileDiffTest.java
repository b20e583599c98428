package io.aicache.proxy.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class FileDiffTest {

    private static final String BEFORE = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: demo}
            spec:
              replicas: 1
              template:
                spec:
                  containers: [{name: web, image: "nginx:1.25"}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config, namespace: demo}
            data: {mode: one}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: old, namespace: demo}
            """;

    @Test
    void yamlIsComparedPerKubernetesObject() {
        String after = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: web-config, namespace: demo}
                data: {mode: one}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: demo, labels: {tier: web}}
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers: [{name: web, image: "nginx:1.27"}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: new}
                """;

        List<String> lines = diff("app.yaml", BEFORE, after);

        assertEquals(List.of(
                "~ apps/v1 Deployment demo/web",
                "    + metadata.labels.tier: web",
                "    ~ spec.replicas: 1 -> 3",
                "    ~ spec.template.spec.containers[0].image: nginx:1.25 -> nginx:1.27",
                "+ v1 Service new",
                "- v1 Service demo/old"), lines, "reordering objects is no change; the ConfigMap did not change");
    }

    @Test
    void jsonListItemsAreObjectsOfTheirOwn() {
        String before = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"1\"}}]}";
        String after = before.replace("\"1\"", "\"2\"");

        assertEquals(List.of("~ v1 ConfigMap a", "    ~ data.k: 1 -> 2"), diff("list.json", before, after));
        assertEquals(List.of(), diff("list.json", before, before));
    }

    @Test
    void otherTextIsAUnifiedDiff() {
        List<String> lines = diff("install.sh", "#!/bin/sh\necho one\nexit 0\n", "#!/bin/sh\necho two\nexit 0\n");

        assertEquals("--- install.sh (version 1)", lines.get(0));
        assertEquals("+++ install.sh (version 2)", lines.get(1));
        assertTrue(lines.contains("-echo one") && lines.contains("+echo two"), String.join("\n", lines));
    }

    @Test
    void yamlThatIsNoYamlIsComparedAsText() {
        List<String> lines = diff("values.yaml", "image: {{ .Values.tag }\n", "image: {{ .Values.other }\n");

        assertTrue(lines.get(0).startsWith("--- values.yaml"), String.join("\n", lines));
    }

    @Test
    void aYamlBombIsRefusedWithoutBeingExpanded() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char level = 'b'; level <= 'i'; level++) {
            char previous = (char) (level - 1);
            bomb.append(level).append(": &").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            bomb.append("]\n");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> diff("bomb.yaml", "a: 1\n", bomb.toString()));
        assertTrue(e.getMessage().contains("aliases"), e.getMessage());

        String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        e = assertThrows(IllegalArgumentException.class, () -> diff("deep.yaml", "a: 1\n", deep));
        assertTrue(e.getMessage().contains("levels"), e.getMessage());

        // Few aliases, each doubling what the one before holds: 2^40 values once followed.
        StringBuilder doubling = new StringBuilder("l0: &l0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            doubling.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        e = assertThrows(IllegalArgumentException.class, () -> diff("doubling.yaml", "a: 1\n", doubling.toString()));
        assertTrue(e.getMessage().contains("aliases") || e.getMessage().contains("values"), e.getMessage());
    }

    private static List<String> diff(String name, String before, String after) {
        return FileDiff.diff(name, "", "version 1", before.getBytes(StandardCharsets.UTF_8), "version 2",
                after.getBytes(StandardCharsets.UTF_8));
    }
}
