package io.aicache.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and secret for Basic authentication. Never printed: {@link #toString()} hides the secret. */
public record Credentials(String username, String password) {

    /**
     * The user name Docker's config file and credential helpers give an identity token under: the secret
     * is then an OAuth2 refresh token for the registry's token service, not a password.
     */
    public static final String IDENTITY_TOKEN_USER = "<token>";

    public Credentials {
        if (username == null || username.isEmpty() || password == null) {
            throw new IllegalArgumentException("credentials need a username and a password");
        }
    }

    public boolean isIdentityToken() {
        return username.equals(IDENTITY_TOKEN_USER);
    }

    public String basicHeader() {
        return basicHeader(username, password);
    }

    /** The {@code Authorization} (or {@code Proxy-Authorization}) value for Basic authentication: the one place it is built. */
    public static String basicHeader(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=***]";
    }
}
