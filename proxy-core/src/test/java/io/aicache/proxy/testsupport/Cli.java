package io.aicache.proxy.testsupport;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.aicache.proxy.cli.AicacheCommand;
import picocli.CommandLine;

/** Runs the {@code aicache} command in-process and keeps what it printed. */
public final class Cli {

    private Cli() {
    }

    /** What a run of the command returned and printed. */
    public record Result(int exitCode, String out, String err) {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new AicacheCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
