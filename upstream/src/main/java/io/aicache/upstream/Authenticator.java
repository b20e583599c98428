package io.aicache.upstream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How aicache proves who it is to one upstream. Every request to that upstream (blob fills, manifests,
 * listings, prefetch, Helm files) goes through its authenticator, which is chosen from configuration;
 * the callers never know which kind it is. A new kind of credential is one more implementation.
 *
 * <p>The {@code scope} is the token scope a registry request needs ({@code repository:library/alpine:pull});
 * chart repositories have none and pass {@link #NO_SCOPE}.
 */
public interface Authenticator {

    /** The scope of requests that name no repository (a chart repository's files). */
    String NO_SCOPE = "";

    /** Sends nothing and meets no challenge. */
    Authenticator NONE = new Authenticator() {
        @Override
        public Optional<String> authorization(String scope) {
            return Optional.empty();
        }

        @Override
        public Optional<CompletableFuture<String>> answer(Challenge challenge, String scope, Optional<String> refused) {
            return Optional.empty();
        }
    };

    /** The {@code Authorization} value to send with a request in {@code scope} before any challenge, if one is known. */
    Optional<String> authorization(String scope);

    /**
     * Meets one challenge of a 401 answer.
     *
     * @param refused the {@code Authorization} value upstream just refused, if the request carried one
     * @return the value to retry with, or empty when this authenticator does not meet this kind of challenge
     */
    Optional<CompletableFuture<String>> answer(Challenge challenge, String scope, Optional<String> refused);
}
