package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code aicache ca export} run in-process. */
class CaExportCommandTest {

    @TempDir
    Path tempDir;

    @Test
    void printsTheCaItCreatesUnderTheDataDirectory() throws Exception {
        Path config = Files.writeString(tempDir.resolve("aicache.yaml"), "storage:\n  dataDir: \"" + tempDir.resolve("data") + "\"\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new AicacheCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("ca", "export", "--config", config.toString());

        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().startsWith("-----BEGIN CERTIFICATE-----"), out.toString());
        assertEquals(Files.readString(tempDir.resolve("data/ca/ca.pem")), out.toString());
    }
}
