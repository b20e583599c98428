package io.aicache.proxy.config;

/**
 * The admin API ({@code /admin/...} on the registry listener).
 *
 * @param token the bearer token it asks for; empty: a random one kept in
 *              {@code <dataDir>/admin-token} (mode 0600), where the CLI on the same machine finds it
 */
public record AdminConfig(String token) {

    public AdminConfig {
        token = token == null ? "" : token.trim();
        if (!token.isEmpty() && token.length() < 16) {
            throw new IllegalArgumentException("admin.token must be at least 16 characters (or empty for a generated one)");
        }
    }
}
