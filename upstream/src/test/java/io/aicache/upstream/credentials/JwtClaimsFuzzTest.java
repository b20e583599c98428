package io.aicache.upstream.credentials;

import java.time.Instant;
import java.util.Base64;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Tokens are handed over by token services: whatever their claims (the input, as the JWT's payload),
 * reading the expiry (as the epoch milliseconds it is compared in) and a string claim gives a value or
 * nothing, never a failure.
 */
class JwtClaimsFuzzTest {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    @FuzzTest
    void claims(byte[] input) {
        String token = "eyJhbGciOiJSUzI1NiJ9." + BASE64.encodeToString(input) + ".c2lnbmF0dXJl";
        JwtClaims.of(token).ifPresent(claims -> {
            claims.expiresAt().ifPresent(Instant::toEpochMilli);
            claims.string("tid");
        });
    }
}
