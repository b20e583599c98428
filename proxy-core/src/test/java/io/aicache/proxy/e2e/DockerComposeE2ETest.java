package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.Commands;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RepositoryFiles;
import io.aicache.proxy.testsupport.RunningAicache;

/**
 * {@code deploy/compose/compose.yaml} as Debian's {@code docker-compose} 1.29 reads it ({@code config} needs no
 * daemon): the image built from the repository's Dockerfile, the data on a named volume where the configuration
 * beside the file puts it, and a health check on {@code /readyz} that passes for a running aicache.
 */
@Tag("e2e")
class DockerComposeE2ETest {

    private static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CONFIG_IN_CONTAINER = "/etc/aicache/aicache.yaml";

    @TempDir
    Path tempDir;

    @Test
    void dockerComposeReadsTheServiceWithItsVolumeConfigurationAndReadinessCheck() throws Exception {
        JsonNode compose = composeConfig();
        JsonNode aicache = compose.path("services").path("aicache");
        Path composeDir = RepositoryFiles.resolve("deploy/compose");

        assertEquals(RepositoryFiles.root().toString(), aicache.path("build").path("context").asText());
        assertTrue(Files.isRegularFile(RepositoryFiles.resolve(aicache.path("build").path("dockerfile").asText())));
        assertTrue(compose.path("volumes").has("aicache-data"), compose.toString());
        List<String> volumes = texts(aicache.path("volumes"));
        Path configFile = composeDir.resolve("aicache.yaml");
        assertTrue(volumes.contains(configFile + ":" + CONFIG_IN_CONTAINER + ":ro"), volumes.toString());
        assertEquals(CONFIG_IN_CONTAINER, aicache.path("environment").path("AICACHE_CONFIG").asText());

        AicacheConfig config = new ConfigLoader(name -> null).load(configFile);
        String dataDir = config.storage().dataDir().toString();
        assertTrue(volumes.contains("aicache-data:" + dataDir + ":rw"), "the data directory is the volume: " + volumes);
        assertTrue(RepositoryFiles.read("Dockerfile").contains("VOLUME " + dataDir), "the image's volume too");
        int port = portOf(config.server().listen());
        assertTrue(targets(aicache.path("ports")).contains(port), "the listener's port is published");
        assertTrue(targets(aicache.path("ports")).contains(portOf(config.proxy().listen())), "and the proxy's");

        List<String> healthcheck = texts(aicache.path("healthcheck").path("test"));
        assertEquals(List.of("CMD", "/usr/local/bin/aicache-healthcheck", Integer.toString(port), "/readyz"), healthcheck);
        assertTrue(RepositoryFiles.read("Dockerfile").contains("COPY deploy/docker/healthcheck " + healthcheck.get(1)));
        try (FaultyUpstream upstream = FaultyUpstream.start();
             RunningAicache running = RunningAicache.against("registry.test", upstream)) {
            Commands.Result ready = Commands.run(tempDir, List.of("bash",
                    RepositoryFiles.resolve("deploy/docker/healthcheck").toString(),
                    Integer.toString(running.uri("/").getPort()), healthcheck.get(3)));
            assertEquals(0, ready.exitCode(), ready.output());
        }
    }

    /** {@code docker-compose -f compose.yaml config}: the file as Compose resolves it, paths made absolute. */
    private JsonNode composeConfig() throws IOException {
        assertTrue(Files.isExecutable(DOCKER_COMPOSE), DOCKER_COMPOSE + " is missing; install it with scripts/install-test-deps");
        Path home = Files.createDirectories(tempDir.resolve("home"));
        Commands.Result result = Commands.run(tempDir, List.of(DOCKER_COMPOSE.toString(), "--file",
                        RepositoryFiles.resolve("deploy/compose/compose.yaml").toString(), "config"),
                Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString()));
        assertEquals(0, result.exitCode(), result.output());
        return YAML.readTree(result.output());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The port of a {@code host:port} listen address. */
    private static int portOf(String listen) {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private static List<Integer> targets(JsonNode ports) {
        List<Integer> targets = new ArrayList<>();
        ports.forEach(port -> targets.add(port.path("target").asInt()));
        return targets;
    }
}
