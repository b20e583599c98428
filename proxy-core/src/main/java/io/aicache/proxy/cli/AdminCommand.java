package io.aicache.proxy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.aicache.proxy.config.ConfigException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that works on a running aicache through its admin API. Exit status: 0 done,
 * 1 refused or failed (the message says why), 2 the configuration could not be read.
 */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return run(admin.client());
        } catch (ConfigException e) {
            err().println("aicache: " + e.getMessage());
            return 2;
        } catch (AdminClient.AdminException | IllegalArgumentException e) {
            err().println("aicache: " + e.getMessage());
            return 1;
        }
    }

    abstract int run(AdminClient client);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** {@code 1.5 MiB}: sizes as people read them. */
    static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code sha256:0123456789ab}: enough of a digest to tell blobs apart on screen. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
