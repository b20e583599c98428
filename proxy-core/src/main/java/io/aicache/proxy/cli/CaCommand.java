package io.aicache.proxy.cli;

import java.util.concurrent.Callable;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigException;
import io.aicache.proxy.tls.CertificateAuthority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aicache ca export}: prints the certificate clients of the HTTPS proxy must trust. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "The HTTPS proxy's certificate authority.",
        subcommands = CaCommand.Export.class)
final class CaCommand {

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the CA certificate (PEM) for clients to trust; creates the CA if there is none yet.")
    static final class Export implements Callable<Integer> {

        @Mixin
        private ConfigOption config;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            AicacheConfig loaded;
            try {
                loaded = config.load();
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("aicache: " + e.getMessage());
                return 2;
            }
            try {
                spec.commandLine().getOut().print(CertificateAuthority.of(loaded.proxy().ca(), loaded.storage().dataDir()).certificatePem());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("aicache: " + e.getMessage());
                return 1;
            }
        }
    }
}
