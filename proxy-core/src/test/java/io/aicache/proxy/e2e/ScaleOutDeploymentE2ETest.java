package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;

import io.aicache.proxy.install.KubernetesObjects;
import io.aicache.proxy.testsupport.HaproxyProcess;
import io.aicache.proxy.testsupport.RepositoryFiles;

/**
 * deploy/scale-out as shipped, checked by the programs that run it: Debian's haproxy ({@code haproxy -c}) and
 * nginx ({@code nginx -t}) accept the balancer configurations, and {@code kubectl kustomize} renders the
 * Kubernetes variants (HAProxy in a Deployment, and ingress-nginx) into what they claim.
 */
@Tag("e2e")
class ScaleOutDeploymentE2ETest {

    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Pattern NGINX_MAP = Pattern.compile("map \\$uri \\$aicache_hash_key \\{[^}]*}");

    @TempDir
    Path tempDir;

    @Test
    void haproxyAcceptsTheShippedConfigurationAndTheChartsRendering() throws Exception {
        HaproxyProcess.check(RepositoryFiles.resolve("deploy/scale-out/haproxy.cfg"), Map.of(
                "AICACHE_BALANCER_LISTEN", "127.0.0.1:5000", "AICACHE_0", "127.0.0.1:5001", "AICACHE_1", "127.0.0.1:5002",
                "AICACHE_2", "aicache-2.aicache-replicas.aicache.svc.cluster.local:5000"));

        KubernetesObjects chart = KubernetesObjects.parse(new Helm(RepositoryFiles.resolve("deploy/helm/aicache"))
                .template().withName("aicache").withNamespace("cache").set("mode", "replicated").call());
        Path rendered = Files.writeString(tempDir.resolve("haproxy.cfg"), chart.assertReplicatedBehindBalancer("aicache", 3));
        HaproxyProcess.check(rendered, Map.of());
    }

    @Test
    void nginxAcceptsTheShippedConfigurationAndIngressNginxHashesTheSameKey() throws Exception {
        Path prefix = Files.createDirectories(tempDir.resolve("nginx"));
        run(NGINX.toString(), "-t", "-p", prefix.toString(), "-c", RepositoryFiles.resolve("deploy/scale-out/nginx.conf").toString(),
                "-g", "pid " + prefix.resolve("nginx.pid") + "; error_log stderr;");

        KubernetesObjects objects = kustomize("deploy/scale-out/ingress-nginx");
        JsonNode statefulSet = objects.only("StatefulSet");
        objects.assertAicachePod(statefulSet);
        assertEquals(3, statefulSet.path("spec").path("replicas").asInt());
        JsonNode ingress = objects.only("Ingress");
        assertEquals("$aicache_hash_key", ingress.path("metadata").path("annotations")
                .path("nginx.ingress.kubernetes.io/upstream-hash-by").asText());
        JsonNode backend = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0).path("backend");
        assertEquals("aicache", backend.path("service").path("name").asText());
        objects.named("Service", "aicache");
        String controllerSnippet = KubernetesObjects.parse(RepositoryFiles.read("deploy/scale-out/ingress-nginx/controller-configmap.yaml"))
                .only("ConfigMap").path("data").path("http-snippet").asText();
        assertEquals(nginxMap(RepositoryFiles.read("deploy/scale-out/nginx.conf")), nginxMap(controllerSnippet),
                "ingress-nginx's key is nginx.conf's");
    }

    @Test
    void theKustomizationRunsThreeReplicasBehindTheShippedHaproxyConfiguration() throws Exception {
        KubernetesObjects objects = kustomize("deploy/scale-out");

        String haproxy = objects.assertReplicatedBehindBalancer("aicache", 3);
        assertEquals(RepositoryFiles.read("deploy/scale-out/haproxy.cfg"), haproxy, "the ConfigMap holds haproxy.cfg as it is");
        JsonNode balancer = objects.only("Deployment");
        String governing = objects.only("StatefulSet").path("spec").path("serviceName").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals("aicache-" + i + "." + governing + ".aicache.svc.cluster.local:5000",
                    KubernetesObjects.env(balancer, "haproxy", "AICACHE_" + i), "the balancer lists pod " + i + " by name");
            assertTrue(haproxy.contains("\"${AICACHE_" + i + "}\""), "haproxy.cfg reads AICACHE_" + i);
        }
    }

    private KubernetesObjects kustomize(String dir) throws Exception {
        return KubernetesObjects.parse(run(KUBECTL.toString(), "kustomize", RepositoryFiles.resolve(dir).toString()));
    }

    private static List<String> nginxMap(String config) {
        Matcher map = NGINX_MAP.matcher(config);
        assertTrue(map.find(), "a map of $aicache_hash_key in:\n" + config);
        return map.group().lines().map(String::strip).toList();
    }

    /** Runs a program to completion within two minutes; its standard output, or an assertion failure with both. */
    private String run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(tempDir, "run-", ".out");
        Path errors = Files.createTempFile(tempDir, "run-", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
        }
        String printed = Files.readString(output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + printed + Files.readString(errors));
        return printed;
    }
}
