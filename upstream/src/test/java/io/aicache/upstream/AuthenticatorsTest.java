package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AuthenticatorsTest {

    private static final Credentials CREDENTIALS = new Credentials("robot", "s3cret");
    private static final CredentialSource FIXED = new CredentialSource(new StaticCredentials(CREDENTIALS), Runnable::run,
            Clock.systemUTC());
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
        BasicAuthenticator basic = new BasicAuthenticator(FIXED, false);
        assertTrue(basic.authorization("repository:a:pull").isEmpty());
        assertTrue(basic.answer(OTHER, "repository:a:pull", Optional.empty()).isEmpty());
        assertEquals(CREDENTIALS.basicHeader(), basic.answer(BASIC, "repository:a:pull", Optional.empty()).orElseThrow().join());
        assertEquals(Optional.of(CREDENTIALS.basicHeader()), basic.authorization("repository:b:pull"));
    }

    @Test
    void fixedCredentialsAreNotSentAgainToTheirRefusal() {
        BasicAuthenticator basic = new BasicAuthenticator(FIXED, false);
        assertTrue(basic.answer(BASIC, "s", Optional.of(CREDENTIALS.basicHeader())).isEmpty());
    }

    @Test
    void refusedCredentialsThatCanBeRenewedAreRenewedOnce() {
        AtomicInteger issued = new AtomicInteger();
        CredentialSource renewable = new CredentialSource(new CredentialProvider() {
            @Override
            public IssuedCredentials issue() {
                return IssuedCredentials.lasting(new Credentials("AWS", "token-" + issued.incrementAndGet()));
            }

            @Override
            public String kind() {
                return "test";
            }
        }, Runnable::run, Clock.systemUTC());
        BasicAuthenticator basic = new BasicAuthenticator(renewable, false);
        String first = basic.answer(BASIC, "s", Optional.empty()).orElseThrow().join();
        assertEquals(Credentials.basicHeader("AWS", "token-1"), first);
        String renewed = basic.answer(BASIC, "s", Optional.of(first)).orElseThrow().join();
        assertEquals(Credentials.basicHeader("AWS", "token-2"), renewed);
        assertEquals(renewed, basic.answer(BASIC, "s", Optional.of(first)).orElseThrow().join(),
                "a request refused with the old value gets the renewed one, not a third");
        assertEquals(2, issued.get());
    }

    @Test
    void theFirstAuthenticatorThatKnowsAValueOrMeetsAChallengeAnswers() {
        Authenticator first = Authenticators.firstOf(List.of(Authenticator.NONE, new BasicAuthenticator(FIXED, false)));
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
