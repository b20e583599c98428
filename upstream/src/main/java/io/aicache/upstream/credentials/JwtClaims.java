package io.aicache.upstream.credentials;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The claims of a JWT, read without checking its signature: what a client may learn from a token
 * it was handed (when it expires, which tenant issued it). The services that accept the token check it.
 */
final class JwtClaims {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode claims;

    private JwtClaims(JsonNode claims) {
        this.claims = claims;
    }

    /** The claims of {@code token}, or empty when it is not a JWT (an opaque token). */
    static Optional<JwtClaims> of(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return payload != null && payload.isObject() ? Optional.of(new JwtClaims(payload)) : Optional.empty();
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /** {@code exp}: when the token stops working; none when it is beyond what a clock in milliseconds holds. */
    Optional<Instant> expiresAt() {
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.canConvertToLong() || exp.asLong() > MAX_EPOCH_SECOND || exp.asLong() < -MAX_EPOCH_SECOND) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(exp.asLong()));
    }

    /** Expiry times are compared as epoch milliseconds. */
    private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1000;

    /** A string claim, such as Entra ID's {@code tid} (the tenant). */
    Optional<String> string(String name) {
        JsonNode value = claims.get(name);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }
}
