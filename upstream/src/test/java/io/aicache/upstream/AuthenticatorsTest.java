package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AuthenticatorsTest {

    private static final Credentials CREDENTIALS = new Credentials("robot", "s3cret");
    private static final Challenge BASIC = new Challenge("basic", Map.of("realm", "r"));
    private static final Challenge OTHER = new Challenge("negotiate", Map.of());

    @Test
    void aChartRepositorySendsBasicAtOnceOrNothing() {
        assertEquals(Optional.of(CREDENTIALS.basicHeader()),
                Authenticators.forChartRepository(Optional.of(CREDENTIALS)).authorization(Authenticator.NO_SCOPE));
        assertTrue(Authenticators.forChartRepository(Optional.empty()).authorization(Authenticator.NO_SCOPE).isEmpty());
    }

    @Test
    void basicForARegistryWaitsForTheChallenge() {
        BasicAuthenticator basic = new BasicAuthenticator(CREDENTIALS, false);
        assertTrue(basic.authorization("repository:a:pull").isEmpty());
        assertTrue(basic.answer(OTHER, "repository:a:pull", Optional.empty()).isEmpty());
        assertEquals(CREDENTIALS.basicHeader(), basic.answer(BASIC, "repository:a:pull", Optional.empty()).orElseThrow().join());
        assertEquals(Optional.of(CREDENTIALS.basicHeader()), basic.authorization("repository:b:pull"));
    }

    @Test
    void theFirstAuthenticatorThatKnowsAValueOrMeetsAChallengeAnswers() {
        Authenticator first = Authenticators.firstOf(List.of(Authenticator.NONE, new BasicAuthenticator(CREDENTIALS, false)));
        assertTrue(first.authorization("s").isEmpty());
        assertTrue(first.answer(OTHER, "s", Optional.empty()).isEmpty());
        assertEquals(CREDENTIALS.basicHeader(), first.answer(BASIC, "s", Optional.empty()).orElseThrow().join());
        assertEquals(Optional.of(CREDENTIALS.basicHeader()), first.authorization("s"));
    }

    @Test
    void theBasicValueIsBuiltOnce() {
        assertEquals("Basic cm9ib3Q6czNjcmV0", CREDENTIALS.basicHeader());
        assertEquals(CREDENTIALS.basicHeader(), Credentials.basicHeader("robot", "s3cret"));
    }
}
