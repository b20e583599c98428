package io.aicache.upstream.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What is read from a token's claims: its expiry and tenant, and nothing from what is no JWT. */
class JwtClaimsTest {

    private static String jwt(String claims) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void anAcrRefreshTokensExpiryIsItsExpClaim() {
        JwtClaims claims = JwtClaims.of(jwt("{\"iss\":\"Azure Container Registry\",\"exp\":1497990801}")).orElseThrow();
        assertEquals(Optional.of(Instant.ofEpochSecond(1497990801)), claims.expiresAt());
    }

    @Test
    void anEntraTokensTenantIsItsTidClaim() {
        JwtClaims claims = JwtClaims.of(jwt("{\"tid\":\"409520d4-8100-4d1d-ad47-72432ddcc120\"}")).orElseThrow();
        assertEquals(Optional.of("409520d4-8100-4d1d-ad47-72432ddcc120"), claims.string("tid"));
        assertEquals(Optional.empty(), claims.expiresAt());
    }

    @Test
    void anOpaqueOrBrokenTokenHasNoClaims() {
        assertTrue(JwtClaims.of("opaque-token").isEmpty());
        assertTrue(JwtClaims.of("a.%%%.c").isEmpty());
        assertTrue(JwtClaims.of(jwt("[1,2]")).isEmpty());
        assertTrue(JwtClaims.of(jwt("not json")).isEmpty());
    }

    @Test
    void anExpBeyondWhatAClockHoldsIsNoExpiry() {
        for (String exp : new String[] {"9223372036854775807", "-9223372036854775808", "1e17", "9223372036854776"}) {
            JwtClaims claims = JwtClaims.of(jwt("{\"exp\":" + exp + "}")).orElseThrow();
            assertEquals(Optional.empty(), claims.expiresAt(), exp);
        }
        assertEquals(Optional.of(Instant.ofEpochSecond(9223372036854775L)),
                JwtClaims.of(jwt("{\"exp\":9223372036854775}")).orElseThrow().expiresAt(), "the last second in milliseconds");
    }
}
