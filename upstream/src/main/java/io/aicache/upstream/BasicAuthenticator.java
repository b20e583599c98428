package io.aicache.upstream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Basic authentication. {@code preemptive}: sent with every request (chart repositories, as Helm does);
 * otherwise sent only once upstream asked for it, and from then on with every request.
 */
final class BasicAuthenticator implements Authenticator {

    private final String header;
    private final boolean preemptive;
    /** Set once the upstream asked for Basic credentials, so later requests send them at once. */
    private volatile boolean challenged;

    BasicAuthenticator(Credentials credentials, boolean preemptive) {
        this.header = credentials.basicHeader();
        this.preemptive = preemptive;
    }

    @Override
    public Optional<String> authorization(String scope) {
        return preemptive || challenged ? Optional.of(header) : Optional.empty();
    }

    @Override
    public Optional<CompletableFuture<String>> answer(Challenge challenge, String scope, Optional<String> refused) {
        if (!challenge.scheme().equals("basic")) {
            return Optional.empty();
        }
        challenged = true;
        return Optional.of(CompletableFuture.completedFuture(header));
    }
}
