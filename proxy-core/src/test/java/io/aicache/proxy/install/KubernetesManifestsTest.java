package io.aicache.proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.testsupport.RepositoryFiles;

/** The plain manifests in deploy/kubernetes/ (shared cache) and deploy/kubernetes/node-local/ (DaemonSet). */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theStatefulSetServesAicacheFromAPersistentVolumeBehindTheService() throws IOException {
        KubernetesObjects objects = kustomization("deploy/kubernetes");
        assertEquals(List.of("ConfigMap", "Namespace", "Service", "StatefulSet"), objects.kinds());

        JsonNode statefulSet = objects.only("StatefulSet");
        objects.assertAicachePod(statefulSet);
        objects.assertServiceSelects(objects.only("Service"), statefulSet);

        JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0);
        assertEquals("data", claim.path("metadata").path("name").asText(), "the data mount is the claim's");
        long volume = KubernetesObjects.bytes(claim.path("spec").path("resources").path("requests").path("storage").asText());
        AicacheConfig config = objects.configOf(statefulSet.path("spec").path("template"));
        assertTrue(config.storage().maxSize().bytes() > 0, "a disk budget");
        assertTrue(config.storage().maxSize().bytes() + config.storage().minFreeSpace().bytes() < volume,
                "the budget and minFreeSpace fit on the volume");
    }

    @Test
    void theDaemonSetServesEachNodeOnItsOwnNetworkFromTheNodesDisk() throws IOException {
        KubernetesObjects objects = kustomization("deploy/kubernetes/node-local");
        assertEquals(List.of("ConfigMap", "DaemonSet", "Namespace"), objects.kinds());

        JsonNode daemonSet = objects.only("DaemonSet");
        JsonNode container = objects.assertAicachePod(daemonSet);
        objects.assertNodeLocal(daemonSet);
        assertEquals(5000, container.path("ports").get(0).path("hostPort").asInt());
        assertEquals(KubernetesObjects.DATA_DIR, KubernetesObjects.volume(daemonSet.path("spec").path("template").path("spec"), "data")
                .path("hostPath").path("path").asText());
    }

    /** The objects a kustomization.yaml lists, after checking that it lists every manifest beside it. */
    private static KubernetesObjects kustomization(String dir) throws IOException {
        Path root = RepositoryFiles.resolve(dir);
        JsonNode kustomization = YAML.readTree(root.resolve("kustomization.yaml").toFile());
        assertEquals("Kustomization", kustomization.path("kind").asText());
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(resource -> resources.add(resource.asText()));
        try (Stream<Path> files = Files.list(root)) {
            assertEquals(files.map(file -> file.getFileName().toString())
                            .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml")).sorted().toList(),
                    resources.stream().sorted().toList(), "the kustomization lists every manifest in " + dir);
        }
        KubernetesObjects objects = KubernetesObjects.parse("");
        for (String resource : resources) {
            objects = objects.plus(KubernetesObjects.parse(Files.readString(root.resolve(resource))));
        }
        return objects;
    }
}
