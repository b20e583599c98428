package io.aicache.proxy.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;

import io.aicache.proxy.admin.AdminToken;
import io.aicache.proxy.config.AicacheConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches a running aicache: {@code --server} and {@code --token}, else what
 * the configuration says (the listener's port on this machine, the configured admin token or
 * the one in the data directory).
 */
final class AdminOptions {

    static final String TOKEN_ENV = "AICACHE_ADMIN_TOKEN";

    @Mixin
    ConfigOption config;

    @Option(names = "--server", paramLabel = "URL",
            description = "The aicache to talk to (default: this machine, on the configured listen port).")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The admin token (default: $" + TOKEN_ENV + ", admin.token, or <dataDir>/admin-token).")
    String token;

    AdminClient client() {
        AicacheConfig loaded = config.load();
        return new AdminClient(server == null ? localServer(loaded) : server, token(loaded));
    }

    private static URI localServer(AicacheConfig config) {
        InetSocketAddress address = config.server().address();
        String host = address.getHostString();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
    }

    private String token(AicacheConfig config) {
        if (token != null) {
            return token;
        }
        String fromEnvironment = System.getenv(TOKEN_ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        if (!config.admin().token().isEmpty()) {
            return config.admin().token();
        }
        try {
            Optional<String> kept = AdminToken.read(config.storage().dataDir().resolve(AdminToken.FILE_NAME));
            return kept.orElseThrow(() -> new AdminClient.AdminException("no admin token: pass --token, set $" + TOKEN_ENV
                    + ", or run where aicache keeps " + config.storage().dataDir().resolve(AdminToken.FILE_NAME)));
        } catch (IOException e) {
            throw new AdminClient.AdminException("cannot read the admin token: " + e.getMessage());
        }
    }
}
