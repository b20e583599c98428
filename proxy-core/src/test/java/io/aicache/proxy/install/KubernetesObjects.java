package io.aicache.proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.RepositoryFiles;

/**
 * Kubernetes objects parsed from YAML (plain manifests or a rendered chart), and what every aicache pod
 * must get right whichever way it was deployed: probes, port, scrape annotations, a non-root read-only
 * container, a memory limit that fits the JVM options, and a configuration aicache loads.
 */
public final class KubernetesObjects {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern QUANTITY = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti)?");
    private static final Map<String, Long> BINARY_UNITS = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "Ti", 1L << 40);
    static final String DATA_DIR = "/var/lib/aicache";

    private final List<JsonNode> objects;

    private KubernetesObjects(List<JsonNode> objects) {
        this.objects = objects;
    }

    /** Every document of {@code yaml} that is an object (empty documents, as Helm leaves them, are skipped). */
    public static KubernetesObjects parse(String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.isObject()) {
                    assertTrue(document.path("apiVersion").isTextual() && document.path("kind").isTextual()
                            && document.path("metadata").path("name").isTextual(), "not a Kubernetes object: " + document);
                    objects.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KubernetesObjects(objects);
    }

    KubernetesObjects plus(KubernetesObjects more) {
        List<JsonNode> all = new ArrayList<>(objects);
        all.addAll(more.objects);
        return new KubernetesObjects(all);
    }

    public List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asText()).sorted().toList();
    }

    public JsonNode only(String kind) {
        List<JsonNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertEquals(1, found.size(), "one " + kind + " in " + kinds());
        return found.get(0);
    }

    public JsonNode named(String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + kinds()));
    }

    /** The aicache.yaml of the ConfigMap the pod mounts at /etc/aicache, loaded as aicache loads it. */
    public AicacheConfig configOf(JsonNode podTemplate) {
        String configMap = volume(podTemplate.path("spec"), "config").path("configMap").path("name").asText();
        String yaml = named("ConfigMap", configMap).path("data").path("aicache.yaml").asText();
        assertFalse(yaml.isBlank(), "ConfigMap " + configMap + " has no aicache.yaml");
        AicacheConfig config = new ConfigLoader(name -> null).fromYaml(yaml, "ConfigMap " + configMap);
        assertEquals(java.nio.file.Path.of(DATA_DIR), config.storage().dataDir());
        return config;
    }

    /** Checks the pod template of a StatefulSet or DaemonSet that runs aicache; returns its container. */
    public JsonNode assertAicachePod(JsonNode workload) {
        JsonNode template = workload.path("spec").path("template");
        JsonNode spec = template.path("spec");
        JsonNode container = container(spec, "aicache");
        AicacheConfig config = configOf(template);
        int port = config.server().address().getPort();

        JsonNode http = container.path("ports").get(0);
        assertEquals("http", http.path("name").asText());
        assertEquals(port, http.path("containerPort").asInt(), "the container port is server.listen's");
        assertProbe(container.path("readinessProbe"), "/readyz", port);
        assertProbe(container.path("livenessProbe"), "/healthz", port);

        JsonNode annotations = template.path("metadata").path("annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals(Integer.toString(port), annotations.path("prometheus.io/port").asText());
        assertEquals("/metrics", annotations.path("prometheus.io/path").asText());

        assertTrue(bool(spec.path("securityContext"), container.path("securityContext"), "runAsNonRoot"), "runs as non-root");
        JsonNode uid = container.path("securityContext").path("runAsUser").isMissingNode()
                ? spec.path("securityContext").path("runAsUser") : container.path("securityContext").path("runAsUser");
        assertNotEquals(0, uid.asInt(0), "a non-root uid");
        assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertFalse(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("[\"ALL\"]", container.path("securityContext").path("capabilities").path("drop").toString());

        assertEquals(RepositoryFiles.launchJavaOpts(), env(container, "AICACHE_JAVA_OPTS"));
        assertEquals("/etc/aicache/aicache.yaml", env(container, "AICACHE_CONFIG"));
        assertEquals(RepositoryFiles.serviceMemoryMaxMib() * (1L << 20),
                bytes(container.path("resources").path("limits").path("memory").asText()),
                "the memory limit is conf/aicache.service's MemoryMax, which fits the JVM options");
        assertTrue(bytes(container.path("resources").path("requests").path("memory").asText()) > 0);

        assertEquals(DATA_DIR, mountPath(container, "data"));
        assertEquals("/etc/aicache", mountPath(container, "config"));
        assertEquals("/tmp", mountPath(container, "tmp"), "a writable /tmp for the native libraries");
        assertTrue(volume(spec, "tmp").has("emptyDir"));
        return container;
    }

    /** The DaemonSet variant: the node's network, the node's directory, handed over by a CHOWN-only init container. */
    void assertNodeLocal(JsonNode daemonSet) {
        JsonNode spec = daemonSet.path("spec").path("template").path("spec");
        assertTrue(spec.path("hostNetwork").asBoolean(), "containerd on the node reaches it at 127.0.0.1");
        assertEquals("ClusterFirstWithHostNet", spec.path("dnsPolicy").asText());
        assertEquals("DirectoryOrCreate", volume(spec, "data").path("hostPath").path("type").asText());
        JsonNode init = spec.path("initContainers").get(0);
        assertEquals("[\"CHOWN\"]", init.path("securityContext").path("capabilities").path("add").toString());
        assertEquals("[\"ALL\"]", init.path("securityContext").path("capabilities").path("drop").toString());
        assertEquals(DATA_DIR, init.path("command").get(init.path("command").size() - 1).asText());
        assertEquals(DATA_DIR, mountPath(init, "data"));
    }

    /**
     * Replicas behind a balancer (deploy/scale-out, the chart's mode=replicated): {@code replicas} aicache pods of
     * the StatefulSet, named under its headless governing Service, and the Service {@code service} that clients
     * use selecting the balancer Deployment's pods and none of aicache's. Returns the balancer's haproxy.cfg.
     */
    public String assertReplicatedBehindBalancer(String service, int replicas) {
        JsonNode statefulSet = only("StatefulSet");
        assertAicachePod(statefulSet);
        assertEquals(replicas, statefulSet.path("spec").path("replicas").asInt());
        JsonNode governing = named("Service", statefulSet.path("spec").path("serviceName").asText());
        assertEquals("None", governing.path("spec").path("clusterIP").asText(), "a headless Service names each pod");
        assertServiceSelects(governing, statefulSet);
        JsonNode balancer = only("Deployment");
        JsonNode front = named("Service", service);
        assertTrue(selects(front, balancer), "Service " + service + " reaches the balancer");
        assertFalse(selects(front, statefulSet), "Service " + service + " does not bypass the balancer");
        JsonNode haproxy = container(balancer.path("spec").path("template").path("spec"), "haproxy");
        assertEquals("/usr/local/etc/haproxy", mountPath(haproxy, "config"));
        String configMap = volume(balancer.path("spec").path("template").path("spec"), "config")
                .path("configMap").path("name").asText();
        String config = named("ConfigMap", configMap).path("data").path("haproxy.cfg").asText();
        assertFalse(config.isBlank(), "ConfigMap " + configMap + " has haproxy.cfg");
        return config;
    }

    private static boolean selects(JsonNode service, JsonNode workload) {
        JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
        boolean[] all = {true};
        service.path("spec").path("selector").fields().forEachRemaining(selector ->
                all[0] &= selector.getValue().asText().equals(labels.path(selector.getKey()).asText()));
        return all[0];
    }

    /** The environment variable {@code name} of {@code workload}'s container {@code container}. */
    public static String env(JsonNode workload, String container, String name) {
        return env(container(workload.path("spec").path("template").path("spec"), container), name);
    }

    /** The Service sends its http port to the pods' http port, and selects them. */
    void assertServiceSelects(JsonNode service, JsonNode workload) {
        JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
        service.path("spec").path("selector").fields().forEachRemaining(selector ->
                assertEquals(selector.getValue().asText(), labels.path(selector.getKey()).asText(), "selector " + selector.getKey()));
        JsonNode port = service.path("spec").path("ports").get(0);
        assertEquals("http", port.path("targetPort").asText());
        assertEquals(configOf(workload.path("spec").path("template")).server().address().getPort(), port.path("port").asInt());
    }

    static long bytes(String quantity) {
        Matcher q = QUANTITY.matcher(quantity);
        assertTrue(q.matches(), "a quantity in bytes or Ki/Mi/Gi/Ti: " + quantity);
        return Long.parseLong(q.group(1)) * (q.group(2) == null ? 1 : BINARY_UNITS.get(q.group(2)));
    }

    static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode volume : podSpec.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name + " in " + podSpec.path("volumes"));
    }

    private static JsonNode container(JsonNode podSpec, String name) {
        for (JsonNode container : podSpec.path("containers")) {
            if (container.path("name").asText().equals(name)) {
                return container;
            }
        }
        throw new AssertionError("no container " + name);
    }

    private static void assertProbe(JsonNode probe, String path, int port) {
        assertEquals(path, probe.path("httpGet").path("path").asText());
        JsonNode probePort = probe.path("httpGet").path("port");
        assertTrue(probePort.asText().equals("http") || probePort.asInt() == port, "probe port " + probePort);
        assertTrue(probe.path("timeoutSeconds").asInt() >= 1 && probe.path("failureThreshold").asInt() >= 3, probe.toString());
    }

    private static boolean bool(JsonNode podLevel, JsonNode containerLevel, String field) {
        return (containerLevel.has(field) ? containerLevel : podLevel).path(field).asBoolean();
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText();
            }
        }
        throw new AssertionError("no " + name + " in the container's environment");
    }

    private static String mountPath(JsonNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("volume " + volume + " is not mounted in " + container.path("name").asText());
    }
}
