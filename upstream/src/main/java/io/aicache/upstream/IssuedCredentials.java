package io.aicache.upstream;

import java.time.Instant;
import java.util.Optional;

/**
 * Credentials as a {@link CredentialProvider} hands them out, with when they stop working: cloud
 * registries' tokens expire within hours, a configured password never does.
 */
public record IssuedCredentials(Credentials credentials, Optional<Instant> expiresAt) {

    public IssuedCredentials {
        if (credentials == null || expiresAt == null) {
            throw new IllegalArgumentException("issued credentials need credentials and an expiry, or Optional.empty()");
        }
    }

    public static IssuedCredentials lasting(Credentials credentials) {
        return new IssuedCredentials(credentials, Optional.empty());
    }

    public static IssuedCredentials until(Credentials credentials, Instant expiresAt) {
        return new IssuedCredentials(credentials, Optional.of(expiresAt));
    }

    @Override
    public String toString() {
        return "IssuedCredentials[" + credentials + ", expiresAt=" + expiresAt.map(Instant::toString).orElse("never") + "]";
    }
}
