package io.aicache.upstream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Basic authentication. {@code preemptive}: sent with every request (chart repositories, as Helm does);
 * otherwise sent only once upstream asked for it, and from then on with every request. Credentials upstream
 * refuses are renewed once when their source can (a cloud registry's expired token); fixed ones are not
 * sent again to the same refusal.
 */
final class BasicAuthenticator implements Authenticator {

    private final CredentialSource credentials;
    private final boolean preemptive;
    /** Set once the upstream asked for Basic credentials, so later requests send them at once. */
    private volatile boolean challenged;

    BasicAuthenticator(CredentialSource credentials, boolean preemptive) {
        this.credentials = credentials;
        this.preemptive = preemptive;
    }

    @Override
    public Optional<String> authorization(String scope) {
        return preemptive || challenged ? credentials.current().map(Credentials::basicHeader) : Optional.empty();
    }

    @Override
    public Optional<CompletableFuture<String>> answer(Challenge challenge, String scope, Optional<String> refused) {
        if (!challenge.scheme().equals("basic")) {
            return Optional.empty();
        }
        challenged = true;
        Optional<Credentials> known = credentials.current();
        Optional<Credentials> refusedNow = known.filter(c -> refused.equals(Optional.of(c.basicHeader())));
        if (refusedNow.isPresent() && !credentials.renewable()) {
            return Optional.empty();
        }
        return Optional.of(credentials.fresh(refusedNow).thenApply(Credentials::basicHeader));
    }
}
