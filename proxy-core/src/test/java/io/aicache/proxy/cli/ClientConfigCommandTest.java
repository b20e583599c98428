package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.aicache.proxy.testsupport.Cli;

/** {@code aicache client-config ...} run in-process, its files and output read back as TOML and JSON. */
class ClientConfigCommandTest {

    private static final String MIRROR = "http://aicache.internal:5000";
    private static final List<String> DEFAULT_REGISTRIES = List.of("docker.io", "ghcr.io", "quay.io", "registry.k8s.io", "gcr.io",
            "mcr.microsoft.com", "public.ecr.aws");

    @TempDir
    Path tempDir;

    @Test
    void containerdWritesOneHostsTomlPerDefaultRegistry() throws IOException {
        Path dir = tempDir.resolve("certs.d");
        Cli.Result result = run("containerd", "--mirror", MIRROR, "--dir", dir.toString());

        assertEquals(0, result.exitCode(), result.err());
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(DEFAULT_REGISTRIES.stream().sorted().toList(),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String registry : DEFAULT_REGISTRIES) {
            Path file = dir.resolve(registry).resolve("hosts.toml");
            assertTrue(result.out().contains("wrote " + file), result.out());
            Map<String, Map<String, String>> toml = Toml.parse(Files.readString(file)).tables();
            String server = registry.equals("docker.io") ? "https://registry-1.docker.io" : "https://" + registry;
            assertEquals("\"" + server + "\"", toml.get("").get("server"));
            Map<String, String> host = toml.get("host.\"" + MIRROR + "\"");
            assertEquals("[\"pull\", \"resolve\"]", host.get("capabilities"));
            assertFalse(host.containsKey("ca"));
            assertEquals(2, toml.size(), "the top level and one host: " + toml.keySet());
        }
        assertTrue(result.err().contains("config_path = \"" + dir + "\""), result.err());

        Cli.Result again = run("containerd", "--mirror", "http://other.internal:5000", "--dir", dir.toString());
        assertEquals(0, again.exitCode(), again.err());
        try (Stream<Path> files = Files.list(dir.resolve("ghcr.io"))) {
            assertEquals(List.of("hosts.toml"), files.map(p -> p.getFileName().toString()).toList(), "replaced in place");
        }
        assertTrue(Toml.parse(Files.readString(dir.resolve("ghcr.io/hosts.toml"))).tables()
                .containsKey("host.\"http://other.internal:5000\""));
    }

    @Test
    void containerdUsesHostColonPortDirectoriesAndOnlyTheNamedRegistries() throws IOException {
        Path config = writeConfig("registry.corp.example:5000", "ghcr.io");
        Path dir = tempDir.resolve("certs.d");
        Cli.Result result = run("containerd", "--mirror", "https://cache.example:8443/", "--dir", dir.toString(),
                "--config", config.toString(), "--registries", "registry.corp.example:5000",
                "--ca", tempDir.resolve("ca.pem").toString());

        assertEquals(0, result.exitCode(), result.err());
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of("registry.corp.example:5000"), entries.map(p -> p.getFileName().toString()).toList());
        }
        Map<String, Map<String, String>> toml = Toml.parse(
                Files.readString(dir.resolve("registry.corp.example:5000/hosts.toml"))).tables();
        assertEquals("\"https://registry.corp.example:5000\"", toml.get("").get("server"));
        Map<String, String> host = toml.get("host.\"https://cache.example:8443\"");
        assertEquals("\"" + tempDir.resolve("ca.pem") + "\"", host.get("ca"));
    }

    @Test
    void containerdDryRunPrintsAndWritesNothing() {
        Path dir = tempDir.resolve("certs.d");
        Cli.Result result = run("containerd", "--mirror", MIRROR, "--dir", dir.toString(), "--dry-run",
                "--registries", "quay.io");

        assertEquals(0, result.exitCode(), result.err());
        assertFalse(Files.exists(dir));
        assertTrue(result.out().startsWith("# " + dir.resolve("quay.io/hosts.toml") + "\n"), result.out());
        assertEquals("\"https://quay.io\"", Toml.parse(result.out()).tables().get("").get("server"));
    }

    @Test
    void containerdRefusesUnknownRegistriesAndACaForPlainHttp() {
        Cli.Result unknown = run("containerd", "--mirror", MIRROR, "--dir", tempDir.toString(), "--registries", "nope.io");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Invalid value for option '--registries': 'nope.io' is not an upstream registry"),
                unknown.err());

        Cli.Result ca = run("containerd", "--mirror", MIRROR, "--dir", tempDir.toString(), "--ca", "/ca.pem");
        assertEquals(2, ca.exitCode());
        assertTrue(ca.err().contains("Invalid value for option '--ca': '/ca.pem'"), ca.err());
        assertTrue(ca.err().contains("https://"), ca.err());
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Cli.Result result = run("containerd", "--mirror", MIRROR, "--dir", tempDir.toString(),
                "--config", tempDir.resolve("absent.yaml").toString());

        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("absent.yaml does not exist"), result.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://aicache:5000", "aicache.internal:5000", "http://aicache:5000/v2",
            "http://aicache:5000?x=1", "http://user:pw@aicache:5000", "http://:5000", "http://aicache:70000",
            "http://aicache:5000#top", "http://a b", ""})
    void badMirrorUrlsAreRefusedWithTheOptionAndValueNamed(String url) throws IOException {
        for (String client : List.of("containerd", "docker", "podman", "buildkit")) {
            Cli.Result result = client.equals("containerd")
                    ? run(client, "--mirror", url, "--dir", tempDir.toString())
                    : run(client, "--mirror", url);
            assertEquals(2, result.exitCode(), client + " " + url + ": " + result.out() + result.err());
            assertTrue(result.err().contains("Invalid value for option '--mirror': '" + url + "' is not a mirror URL: "),
                    result.err());
        }
        try (Stream<Path> entries = Files.list(tempDir)) {
            assertEquals(0, entries.count(), "nothing written");
        }
    }

    @Test
    void dockerPrintsTheDaemonJsonFragmentAndSaysItIsForDockerHubOnly() throws IOException {
        Cli.Result result = run("docker", "--mirror", "http://aicache.internal:5000/");

        assertEquals(0, result.exitCode(), result.err());
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertEquals(1, json.size());
        assertEquals(MIRROR, json.get("registry-mirrors").get(0).asText());
        assertEquals(1, json.get("registry-mirrors").size());
        assertTrue(result.err().contains("Docker Hub only"), result.err());
    }

    @Test
    void podmanPrintsOneRegistryWithAicacheAsMirrorEach() {
        Cli.Result result = run("podman", "--mirror", MIRROR);

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("CRI-O"), result.out());
        List<Toml.Table> tables = Toml.parse(result.out()).arrayTables();
        assertEquals(2 * DEFAULT_REGISTRIES.size(), tables.size());
        for (int i = 0; i < DEFAULT_REGISTRIES.size(); i++) {
            String registry = DEFAULT_REGISTRIES.get(i);
            Toml.Table entry = tables.get(2 * i);
            Toml.Table mirror = tables.get(2 * i + 1);
            assertEquals("registry", entry.name());
            assertEquals(Map.of("prefix", "\"" + registry + "\"", "location", "\"" + registry + "\""), entry.values());
            assertEquals("registry.mirror", mirror.name());
            assertEquals(Map.of("location", "\"aicache.internal:5000/" + registry + "\"", "insecure", "true"),
                    mirror.values());
        }
    }

    @Test
    void podmanLeavesOutRegistriesWithAPortAndMarksNoHttpsMirrorInsecure() throws IOException {
        Path config = writeConfig("registry.corp.example:5000", "ghcr.io");
        Cli.Result result = run("podman", "--mirror", "https://cache.example", "--config", config.toString());

        assertEquals(0, result.exitCode(), result.err());
        List<Toml.Table> tables = Toml.parse(result.out()).arrayTables();
        assertEquals(2, tables.size(), result.out());
        assertEquals(Map.of("location", "\"cache.example/ghcr.io\""), tables.get(1).values());
        assertTrue(result.err().contains("warning: registry.corp.example:5000 is left out"), result.err());
    }

    @Test
    void buildkitPrintsAicacheAsTheMirrorOfEveryRegistryAndThatItSpeaksPlainHttp() {
        Cli.Result result = run("buildkit", "--mirror", MIRROR);

        assertEquals(0, result.exitCode(), result.err());
        Map<String, Map<String, String>> tables = Toml.parse(result.out()).tables();
        for (String registry : DEFAULT_REGISTRIES) {
            assertEquals(Map.of("mirrors", "[\"aicache.internal:5000\"]"), tables.get("registry.\"" + registry + "\""), registry);
        }
        assertEquals(Map.of("http", "true"), tables.get("registry.\"aicache.internal:5000\""));
        assertEquals(DEFAULT_REGISTRIES.size() + 2, tables.size(), "the top level, the registries and the mirror: " + tables.keySet());
        assertTrue(result.err().contains("docker buildx create --use --config buildkitd.toml"), result.err());
    }

    @Test
    void buildkitNamesTheCaOfAnHttpsMirrorAndOnlyTheNamedRegistries() throws IOException {
        Path config = writeConfig("registry.corp.example:5000", "ghcr.io");
        Cli.Result result = run("buildkit", "--mirror", "https://cache.example:8443", "--config", config.toString(),
                "--registries", "registry.corp.example:5000", "--ca", tempDir.resolve("ca.pem").toString());

        assertEquals(0, result.exitCode(), result.err());
        Map<String, Map<String, String>> tables = Toml.parse(result.out()).tables();
        assertEquals(Map.of("mirrors", "[\"cache.example:8443\"]"), tables.get("registry.\"registry.corp.example:5000\""));
        assertEquals(Map.of("ca", "[\"" + tempDir.resolve("ca.pem") + "\"]"), tables.get("registry.\"cache.example:8443\""));
        assertEquals(3, tables.size(), tables.keySet().toString());

        Cli.Result plain = run("buildkit", "--mirror", MIRROR, "--ca", "/ca.pem");
        assertEquals(2, plain.exitCode());
        assertTrue(plain.err().contains("Invalid value for option '--ca': '/ca.pem'"), plain.err());
    }

    private Path writeConfig(String... registries) throws IOException {
        StringBuilder yaml = new StringBuilder("upstream:\n  defaultRegistry: " + registries[0] + "\n  registries:\n");
        for (String registry : registries) {
            yaml.append("    - name: ").append(registry).append("\n      endpoint: \"http://127.0.0.1:1\"\n");
        }
        return Files.writeString(tempDir.resolve("aicache.yaml"), yaml);
    }

    private static Cli.Result run(String... clientConfigArgs) {
        String[] args = new String[clientConfigArgs.length + 1];
        args[0] = "client-config";
        System.arraycopy(clientConfigArgs, 0, args, 1, clientConfigArgs.length);
        return Cli.run(args);
    }

    /**
     * Just enough TOML for the generated files: comments, {@code [table]} and {@code [[array-table]]} headers,
     * {@code key = value} lines (values kept as written). Anything else fails the test.
     */
    record Toml(Map<String, Map<String, String>> tables, List<Table> arrayTables) {

        record Table(String name, Map<String, String> values) {
        }

        static Toml parse(String text) {
            Map<String, Map<String, String>> tables = new LinkedHashMap<>();
            List<Table> arrayTables = new ArrayList<>();
            Map<String, String> current = tables.computeIfAbsent("", k -> new LinkedHashMap<>());
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("[[") && line.endsWith("]]")) {
                    current = new LinkedHashMap<>();
                    arrayTables.add(new Table(line.substring(2, line.length() - 2), current));
                } else if (line.startsWith("[") && line.endsWith("]")) {
                    String name = line.substring(1, line.length() - 1);
                    if (tables.containsKey(name)) {
                        throw new AssertionError("table [" + name + "] defined twice in:\n" + text);
                    }
                    current = new LinkedHashMap<>();
                    tables.put(name, current);
                } else {
                    int equals = line.indexOf(" = ");
                    if (equals <= 0 || !line.substring(0, equals).matches("[A-Za-z0-9_-]+")) {
                        throw new AssertionError("not a TOML key = value line: " + raw + "\nin:\n" + text);
                    }
                    String value = line.substring(equals + 3);
                    if (!value.matches("\"([^\"\\\\]|\\\\.)*\"|true|false|\\[.*]")) {
                        throw new AssertionError("not a TOML value: " + value);
                    }
                    if (current.put(line.substring(0, equals), value) != null) {
                        throw new AssertionError("key defined twice: " + raw);
                    }
                }
            }
            return new Toml(tables, arrayTables);
        }
    }
}
