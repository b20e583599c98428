package io.aicache.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code aicache} command; each subcommand has its own {@code --help}. */
@Command(name = "aicache", mixinStandardHelpOptions = true, version = "aicache 0.1.0",
        description = "A pull-through cache for container images, Helm charts and files by URL.",
        subcommands = {ServeCommand.class, PrefetchCommand.class, LsCommand.class, RmCommand.class, PinCommand.class,
                UnpinCommand.class, GcCommand.class, StatsCommand.class, ReloadCommand.class, ConfigCommand.class, ClientConfigCommand.class,
                CaCommand.class, FilesCommand.class})
public final class AicacheCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AicacheCommand()).execute(args));
    }
}
