package io.aicache.proxy.access;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * What a request's {@code Authorization} header presents: nothing, a bearer token, Basic credentials,
 * or something aicache cannot read. {@code toString} never shows a secret.
 */
sealed interface PresentedCredentials {

    record None() implements PresentedCredentials {
    }

    record Bearer(String token) implements PresentedCredentials {
        @Override
        public String toString() {
            return "Bearer[hidden]";
        }
    }

    record Basic(String user, String password) implements PresentedCredentials {
        @Override
        public String toString() {
            return "Basic[" + user + ", password hidden]";
        }
    }

    record Unreadable() implements PresentedCredentials {
    }

    static PresentedCredentials of(List<String> authorization) {
        if (authorization.isEmpty()) {
            return new None();
        }
        String value = authorization.get(0).trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return new Unreadable();
        }
        String scheme = value.substring(0, space);
        String rest = value.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer") && !rest.isEmpty()) {
            return new Bearer(rest);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(rest);
        }
        return new Unreadable();
    }

    /** {@code user:password}, Base64-encoded, as Basic authentication sends it. */
    static PresentedCredentials basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Unreadable();
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? new Unreadable() : new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
