package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.Cli;

/** {@code aicache config check} of an edge cache: it names the parent every registry goes to first. */
class ConfigCheckParentTest {

    @TempDir
    Path dir;

    @Test
    void theParentIsNamed() throws IOException {
        Path edge = Files.writeString(dir.resolve("edge.yaml"), """
                upstream:
                  parent: {url: "http://aicache.region.internal:5000"}
                """);
        Cli.Result checked = Cli.run("config", "check", edge.toString());
        assertEquals(0, checked.exitCode(), checked.err());
        assertTrue(checked.out().contains("parent:   http://aicache.region.internal:5000 (every registry's first endpoint)"),
                checked.out());
    }
}
