package io.aicache.proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.Commands;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RepositoryFiles;
import io.aicache.proxy.testsupport.RunningAicache;

/**
 * The Dockerfile, read the way the builder reads it (no Docker here): its instructions, its two
 * stages, the jar path the build produces, the non-root user, and a health check script that answers
 * for a running aicache.
 */
class DockerfileTest {

    private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD",
            "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    private static final Pattern FROM = Pattern.compile("(?i)(\\S+)\\s+AS\\s+(\\S+)");
    private static final String JAR = "proxy-core/target/aicache.jar";

    private final List<Stage> stages = stages(RepositoryFiles.read("Dockerfile"));

    @TempDir
    Path tempDir;

    @Test
    void twoNamedStagesBuildOnJdk17AndRunOnAJre17() {
        assertEquals(List.of("build", "runtime"), stages.stream().map(Stage::name).toList());
        assertTrue(stages.get(0).image().matches("maven:3\\.\\d+-eclipse-temurin-17"), stages.get(0).image());
        assertEquals("eclipse-temurin:17-jre", stages.get(1).image());
    }

    @Test
    void theBuildStageBuildsTheJarLikeTheLaunchScriptAndTheRuntimeCopiesIt() {
        Stage build = stages.get(0);
        String mvn = build.all("RUN").stream().filter(run -> run.contains("mvn ")).findFirst().orElseThrow();
        String launcher = RepositoryFiles.read("scripts/aicache");
        assertTrue(mvn.contains("package -pl proxy-core -am -DskipTests"), mvn);
        assertTrue(launcher.contains("package -pl proxy-core -am -DskipTests"), "scripts/aicache builds the same way");
        assertTrue(launcher.contains("jar=$root/" + JAR), "scripts/aicache runs " + JAR);
        assertTrue(RepositoryFiles.read("proxy-core/pom.xml").contains("<finalName>aicache</finalName>"));

        String workdir = build.one("WORKDIR");
        assertTrue(stages.get(1).all("COPY").contains("--from=build " + workdir + "/" + JAR + " /opt/aicache/aicache.jar"),
                stages.get(1).all("COPY").toString());
        assertTrue(stages.get(1).one("ENTRYPOINT").contains("-jar /opt/aicache/aicache.jar"));
    }

    @Test
    void everythingTheBuildCopiesIsInTheRepositoryAndNotIgnored() {
        List<String> ignored = RepositoryFiles.read(".dockerignore").lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        List<String> sources = new ArrayList<>();
        for (Stage stage : stages) {
            for (String copy : stage.all("COPY")) {
                if (copy.startsWith("--from=")) {
                    continue;
                }
                String[] words = copy.split("\\s+");
                sources.addAll(List.of(words).subList(0, words.length - 1));
            }
        }
        assertTrue(sources.contains("proxy-core/src") && sources.contains("deploy/docker/healthcheck"), sources.toString());
        for (String source : sources) {
            assertTrue(Files.exists(RepositoryFiles.resolve(source)), source + " is missing");
            assertTrue(ignored.stream().noneMatch(pattern -> source.equals(pattern) || source.startsWith(pattern + "/")),
                    source + " is excluded by .dockerignore");
        }
    }

    @Test
    void runsAsAUserOfItsOwnWithTheLaunchScriptsJvmOptionsAndAVolumeForTheData() {
        Stage runtime = stages.get(1);
        assertEquals("aicache:aicache", runtime.one("USER"));
        String uid = runtime.all("ARG").stream().filter(arg -> arg.startsWith("AICACHE_UID=")).findFirst().orElseThrow();
        assertNotEquals("0", uid.substring(uid.indexOf('=') + 1));
        assertTrue(runtime.all("RUN").stream().anyMatch(run -> run.contains("useradd --system --uid \"${AICACHE_UID}\"")));
        String env = runtime.one("ENV");
        assertTrue(env.contains("AICACHE_JAVA_OPTS=\"" + RepositoryFiles.launchJavaOpts() + "\""), env);
        assertTrue(env.contains("AICACHE_CONFIG=/etc/aicache/aicache.yaml"), env);
        assertEquals("/var/lib/aicache", runtime.one("VOLUME"));
        assertEquals("5000", runtime.one("EXPOSE"));
    }

    @Test
    void theImageConfigurationIsTheDefaultsWithTheDataOnTheVolume() throws Exception {
        String sed = stages.get(0).all("RUN").stream().filter(run -> run.startsWith("sed ")).findFirst().orElseThrow();
        Files.createDirectories(tempDir.resolve("conf"));
        Files.copy(RepositoryFiles.resolve("conf/aicache.yaml"), tempDir.resolve("conf/aicache.yaml"));

        assertEquals(0, run(tempDir, "sh", "-c", sed));

        ConfigLoader loader = new ConfigLoader(name -> null);
        var image = loader.load(tempDir.resolve("aicache.yaml"));
        assertEquals(Path.of("/var/lib/aicache"), image.storage().dataDir());
        assertEquals(loader.defaults().server(), image.server(), "listening on 0.0.0.0:5000 as EXPOSE says");
    }

    @Test
    void theHealthCheckPassesForARunningAicacheAndFailsWithoutOne() throws Exception {
        String healthcheck = stages.get(1).one("HEALTHCHECK");
        assertTrue(healthcheck.endsWith("CMD [\"/usr/local/bin/aicache-healthcheck\"]"), healthcheck);
        assertTrue(stages.get(1).all("COPY").contains("deploy/docker/healthcheck /usr/local/bin/aicache-healthcheck"));
        String script = RepositoryFiles.resolve("deploy/docker/healthcheck").toString();

        try (FaultyUpstream upstream = FaultyUpstream.start();
             RunningAicache aicache = RunningAicache.against("registry.test", upstream)) {
            assertEquals(0, run(tempDir, "bash", script, Integer.toString(aicache.uri("/").getPort())));
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertNotEquals(0, run(tempDir, "bash", script, Integer.toString(closed)));
    }

    private record Instruction(String keyword, String arguments) {
    }

    private record Stage(String image, String name, List<Instruction> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        String one(String keyword) {
            List<String> found = all(keyword);
            assertEquals(1, found.size(), keyword + " in stage " + name + ": " + found);
            return found.get(0);
        }
    }

    /** Joins continuation lines (each continued line stripped), drops comments, checks each keyword and groups the instructions by stage. */
    private static List<Stage> stages(String dockerfile) {
        List<Stage> stages = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : dockerfile.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            String instruction = (pending + trimmed).strip();
            pending.setLength(0);
            String keyword = instruction.split(" ", 2)[0];
            String arguments = instruction.substring(keyword.length()).strip();
            assertTrue(INSTRUCTIONS.contains(keyword), "not a Dockerfile instruction: " + instruction);
            if (keyword.equals("FROM")) {
                Matcher from = FROM.matcher(arguments);
                assertTrue(from.matches(), "every stage is named: FROM " + arguments);
                stages.add(new Stage(from.group(1), from.group(2), new ArrayList<>()));
            } else {
                assertFalse(stages.isEmpty(), keyword + " before the first FROM");
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
            }
        }
        assertTrue(pending.isEmpty(), "the Dockerfile ends in a continuation line");
        return stages;
    }

    private static int run(Path dir, String... command) throws IOException {
        Commands.Result result = Commands.run(dir, List.of(command));
        System.out.print(result.output());
        return result.exitCode();
    }
}
