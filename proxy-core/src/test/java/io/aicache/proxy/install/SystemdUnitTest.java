package io.aicache.proxy.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.testsupport.Commands;
import io.aicache.proxy.testsupport.RepositoryFiles;

/**
 * {@code conf/aicache.service} passes {@code systemd-analyze verify} and keeps the JVM heap of
 * {@code scripts/aicache}; {@code scripts/install.sh --root DIR} puts the jar, the unit and the configuration
 * where the unit expects them, and keeps a configuration that is already there.
 */
class SystemdUnitTest {

    private static final Path REPOSITORY = RepositoryFiles.root();
    private static final Path UNIT = REPOSITORY.resolve("conf/aicache.service");
    private static final Pattern HEAP = Pattern.compile("-Xmx(\\d+[kmgKMG])");

    @TempDir
    Path tempDir;

    @Test
    void systemdAnalyzeFindsNothingWrongWithTheUnit() throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(analyze != null, "systemd-analyze is not installed (Debian package systemd)");
        // verify checks that ExecStart's program exists; a machine without /usr/bin/java cannot pass.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "the unit runs /usr/bin/java, which is missing here");

        Commands.Result result = run(List.of(analyze.toString(), "verify", UNIT.toString()));

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().lines().noneMatch(line -> line.contains("aicache")),
                "systemd-analyze verify reports:\n" + result.output());
    }

    @Test
    void theUnitRunsTheJarWithTheHeapOfTheLaunchScript() throws IOException {
        String unit = Files.readString(UNIT);
        String execStart = unit.lines().filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow();

        assertTrue(execStart.startsWith("ExecStart=/usr/bin/java "), execStart);
        assertTrue(execStart.endsWith(" -jar /opt/aicache/aicache.jar serve --config /etc/aicache/aicache.yaml"), execStart);
        assertEquals(heapOf(Files.readString(REPOSITORY.resolve("scripts/aicache"))), heapOf(execStart));
        assertTrue(unit.contains("\nStateDirectory=aicache\n") && unit.contains("\nCapabilityBoundingSet=\n"), unit);
    }

    @Test
    void installScriptPutsTheFilesUnderTheRootAndKeepsAnExistingConfiguration() throws Exception {
        Path root = tempDir.resolve("root");
        Path jar = Files.write(tempDir.resolve("aicache.jar"), new byte[] {'P', 'K', 3, 4});
        List<String> install = List.of("bash", REPOSITORY.resolve("scripts/install.sh").toString(),
                "--root", root.toString(), "--jar", jar.toString(), "--no-systemctl");

        Commands.Result first = run(install);

        assertEquals(0, first.exitCode(), first.output());
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(root.resolve("opt/aicache/aicache.jar")));
        assertEquals(Files.readString(UNIT), Files.readString(root.resolve("etc/systemd/system/aicache.service")));
        Path config = root.resolve("etc/aicache/aicache.yaml");
        AicacheConfig installed = new ConfigLoader(name -> null).load(config);
        assertEquals(Path.of("/var/lib/aicache"), installed.storage().dataDir());
        assertEquals(new ConfigLoader(name -> null).defaults().upstream(), installed.upstream(), "otherwise the defaults");
        assertTrue(first.output().contains("systemctl enable --now aicache"), first.output());

        Files.writeString(config, "storage:\n  dataDir: /srv/aicache\n");
        Commands.Result second = run(install);

        assertEquals(0, second.exitCode(), second.output());
        assertEquals("storage:\n  dataDir: /srv/aicache\n", Files.readString(config));
        assertTrue(second.output().contains("kept the existing " + config), second.output());
        try (Stream<Path> files = Files.walk(root)) {
            assertEquals(3, files.filter(Files::isRegularFile).count(), "the jar, the unit and the configuration");
        }
    }

    private static String heapOf(String text) {
        Matcher heap = HEAP.matcher(text);
        assertTrue(heap.find(), "no -Xmx in " + text);
        return heap.group(1).toLowerCase();
    }

    private Commands.Result run(List<String> command) throws IOException {
        return Commands.run(tempDir, command);
    }
}
