package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The authenticator each kind of upstream gets from its configuration. */
public final class Authenticators {

    private Authenticators() {
    }

    /**
     * A registry's: the Bearer token flow (anonymous tokens without credentials, as Docker Hub hands out
     * for public images), and Basic when the registry asks for it and credentials are configured.
     */
    static Authenticator forRegistry(Optional<CredentialSource> credentials, HttpClient http, Duration timeout) {
        Authenticator tokens = new BearerTokenFlow(http, credentials, timeout, Clock.systemUTC());
        return credentials.<Authenticator>map(c -> firstOf(List.of(tokens, new BasicAuthenticator(c, false))))
                .orElse(tokens);
    }

    /** A classic chart repository's: Basic on every request when credentials are configured, else nothing. */
    static Authenticator forChartRepository(Optional<Credentials> credentials) {
        return credentials.<Authenticator>map(c -> new BasicAuthenticator(
                new CredentialSource(new StaticCredentials(c), Runnable::run, Clock.systemUTC()), true))
                .orElse(Authenticator.NONE);
    }

    /** Sends the first value any of {@code authenticators} knows, and meets a challenge with the first that takes it. */
    static Authenticator firstOf(List<Authenticator> authenticators) {
        List<Authenticator> inOrder = List.copyOf(authenticators);
        return new Authenticator() {
            @Override
            public Optional<String> authorization(String scope) {
                for (Authenticator authenticator : inOrder) {
                    Optional<String> value = authenticator.authorization(scope);
                    if (value.isPresent()) {
                        return value;
                    }
                }
                return Optional.empty();
            }

            @Override
            public Optional<CompletableFuture<String>> answer(Challenge challenge, String scope, Optional<String> refused) {
                for (Authenticator authenticator : inOrder) {
                    Optional<CompletableFuture<String>> answer = authenticator.answer(challenge, scope, refused);
                    if (answer.isPresent()) {
                        return answer;
                    }
                }
                return Optional.empty();
            }
        };
    }
}
