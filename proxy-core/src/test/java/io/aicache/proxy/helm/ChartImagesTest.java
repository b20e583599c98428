package io.aicache.proxy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ChartArchive;

class ChartImagesTest {

    private static final String DIGEST = "sha256:" + "c".repeat(64);

    @Test
    void findsImagesInValuesAtAnyDepthAndInLiteralTemplateLines() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("web/values.yaml", """
                image:
                  repository: nginx
                  tag: ""
                sidecar:
                  image:
                    registry: ghcr.io
                    repository: org/agent
                    tag: "2.1"
                initImage: busybox:1.36
                jobs:
                  - name: migrate
                    image:
                      registry: quay.io
                      repository: org/migrate
                      digest: %s
                templated:
                  image: "{{ .Values.global.image }}"
                """.formatted(DIGEST));
        files.put("web/templates/job.yaml", """
                spec:
                  containers:
                    - name: wait
                      image: alpine:3.20
                    - name: app
                      image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
                """);
        files.put("web/charts/cache/values.yaml", "image:\n  repository: bitnami/redis\n  tag: 7.2\n");
        files.put("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"1.16.0\"\n");

        Set<String> images = ChartImages.of(ChartArchive.of(files));

        assertEquals(Set.of(
                "docker.io/library/alpine:3.20",
                "docker.io/library/nginx:1.16.0",
                "ghcr.io/org/agent:2.1",
                "docker.io/library/busybox:1.36",
                "quay.io/org/migrate@" + DIGEST,
                "docker.io/bitnami/redis:7.2"), images);
    }

    @Test
    void normalisesDockerStyleNames() {
        assertEquals(Optional.of("docker.io/library/nginx:1.25"), ChartImages.normalise("nginx:1.25"));
        assertEquals(Optional.of("docker.io/library/nginx:latest"), ChartImages.normalise("nginx"));
        assertEquals(Optional.of("docker.io/grafana/grafana:10.0.0"), ChartImages.normalise("grafana/grafana:10.0.0"));
        assertEquals(Optional.of("registry.k8s.io/pause:3.9"), ChartImages.normalise("registry.k8s.io/pause:3.9"));
        assertEquals(Optional.of("localhost:5000/app@" + DIGEST), ChartImages.normalise("localhost:5000/app@" + DIGEST));
        for (String notAnImage : List.of("{{ .Values.image }}", "", "Not An Image!")) {
            assertEquals(Optional.empty(), ChartImages.normalise(notAnImage), notAnImage);
        }
    }
}
