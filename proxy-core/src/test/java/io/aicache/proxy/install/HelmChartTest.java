package io.aicache.proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.testsupport.RepositoryFiles;

/** deploy/helm/aicache, linted and rendered by Helm 3 itself (helm-java runs Helm's own code, offline). */
class HelmChartTest {

    private static final Path CHART = RepositoryFiles.resolve("deploy/helm/aicache");

    @Test
    void helmLintFindsNothingToWarnAbout() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
        assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                String.join("\n", lint.getMessages()));
    }

    @Test
    void byDefaultAStatefulSetWithAPersistentVolumeAServiceAndNoServiceMonitor() {
        KubernetesObjects objects = render(template());
        assertEquals(List.of("ConfigMap", "Service", "StatefulSet"), objects.kinds());

        JsonNode statefulSet = objects.only("StatefulSet");
        JsonNode container = objects.assertAicachePod(statefulSet);
        objects.assertServiceSelects(objects.only("Service"), statefulSet);
        assertEquals("aicache:0.1.0", container.path("image").asText(), "the tag defaults to the appVersion");
        JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0);
        assertEquals("data", claim.path("metadata").path("name").asText());
        assertEquals("50Gi", claim.path("spec").path("resources").path("requests").path("storage").asText());
        assertEquals("json", objects.configOf(statefulSet.path("spec").path("template")).logging().format().name().toLowerCase());
    }

    @Test
    void valuesReachTheConfigurationTheImageAndThePort() {
        KubernetesObjects objects = render(template()
                .set("image.repository", "registry.example/aicache").set("image.tag", "1.2.3")
                .set("port", 5050)
                .set("config.manifests.tagTtl", "10m")
                .set("persistence.size", "200Gi").set("persistence.storageClass", "fast"));

        JsonNode statefulSet = objects.only("StatefulSet");
        JsonNode container = objects.assertAicachePod(statefulSet);
        objects.assertServiceSelects(objects.only("Service"), statefulSet);
        assertEquals("registry.example/aicache:1.2.3", container.path("image").asText());
        AicacheConfig config = objects.configOf(statefulSet.path("spec").path("template"));
        assertEquals(5050, config.server().address().getPort());
        assertEquals(java.time.Duration.ofMinutes(10), config.manifests().tagTtl());
        JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0).path("spec");
        assertEquals("fast", claim.path("storageClassName").asText());
        assertEquals("200Gi", claim.path("resources").path("requests").path("storage").asText());
    }

    @Test
    void daemonsetModeRunsOnEveryNodeOnItsNetworkFromTheNodesDisk() {
        KubernetesObjects objects = render(template().set("mode", "daemonset"));
        assertEquals(List.of("ConfigMap", "DaemonSet", "Service"), objects.kinds());

        JsonNode daemonSet = objects.only("DaemonSet");
        JsonNode container = objects.assertAicachePod(daemonSet);
        objects.assertNodeLocal(daemonSet);
        assertEquals(5000, container.path("ports").get(0).path("hostPort").asInt());
        assertEquals("Exists", daemonSet.path("spec").path("template").path("spec").path("tolerations").get(0).path("operator").asText());
    }

    @Test
    void anEdgeOnEveryNodeSendsMissesToItsParentFirst() {
        KubernetesObjects objects = render(template().set("mode", "daemonset")
                .set("parent.url", "https://aicache.region.internal:5000")
                .set("parent.ca", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"));

        JsonNode daemonSet = objects.only("DaemonSet");
        objects.assertNodeLocal(daemonSet);
        AicacheConfig config = objects.configOf(daemonSet.path("spec").path("template"));
        assertEquals(java.net.URI.create("https://aicache.region.internal:5000"), config.upstream().parent().url());
        assertEquals(Path.of("/etc/aicache/parent-ca.pem"), config.upstream().parent().caFile());
        assertTrue(objects.only("ConfigMap").path("data").path("parent-ca.pem").asText().startsWith("-----BEGIN"),
                "the CA is in the ConfigMap, mounted at /etc/aicache");
        KubernetesObjects byDefault = render(template());
        assertEquals(null, byDefault.configOf(byDefault.only("StatefulSet").path("spec").path("template")).upstream()
                .parent(), "no parent by default");
    }

    @Test
    void replicatedModeRendersReplicasUnderAHeadlessServiceBehindHaproxy() {
        KubernetesObjects objects = render(template().set("mode", "replicated").set("replicated.replicas", 4));
        assertEquals(List.of("ConfigMap", "ConfigMap", "Deployment", "Service", "Service", "StatefulSet"), objects.kinds());

        String haproxy = objects.assertReplicatedBehindBalancer("aicache", 4);
        for (int i = 0; i < 4; i++) {
            assertTrue(haproxy.contains("server aicache-" + i + " \"aicache-" + i
                    + ".aicache-replicas.cache.svc.cluster.local:5000\" id " + (i + 1)), haproxy);
        }
        assertTrue(haproxy.contains("bind \"0.0.0.0:5000\""), haproxy);
        assertEquals(ringAndRetries(RepositoryFiles.read("deploy/scale-out/haproxy.cfg")), ringAndRetries(haproxy),
                "the chart hashes as deploy/scale-out/haproxy.cfg does");
    }

    @Test
    void theServiceMonitorIsThereWhenAskedFor() {
        KubernetesObjects objects = render(template().set("serviceMonitor.enabled", true).set("serviceMonitor.labels.release", "prom"));

        JsonNode monitor = objects.only("ServiceMonitor");
        assertEquals("prom", monitor.path("metadata").path("labels").path("release").asText());
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertEquals("http", endpoint.path("port").asText());
        assertEquals("/metrics", endpoint.path("path").asText());
        JsonNode serviceLabels = objects.only("Service").path("metadata").path("labels");
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label ->
                assertEquals(label.getValue().asText(), serviceLabels.path(label.getKey()).asText()));
    }

    @Test
    void anUnknownModeIsRefusedWithItsName() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> template().set("mode", "deployment").call());
        assertTrue(refused.getMessage().contains("mode must be statefulset, daemonset or replicated, not \"deployment\""), refused.getMessage());
    }

    /** The lines of an haproxy.cfg that say where a request goes and when it is tried again, without comments. */
    private static List<String> ringAndRetries(String haproxyCfg) {
        return haproxyCfg.lines().map(String::strip)
                .filter(line -> line.matches("(http-request|balance|hash-type|option httpchk|http-check|default-server"
                        + "|retries|retry-on|option redispatch|timeout) .*"))
                .toList();
    }

    private static TemplateCommand template() {
        return new Helm(CHART).template().withName("aicache").withNamespace("cache");
    }

    private static KubernetesObjects render(TemplateCommand template) {
        return KubernetesObjects.parse(template.call());
    }
}
