package io.aicache.proxy.access;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.aicache.model.Repository;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Lets a registry API request through, or refuses it before the cache or upstream is asked: with
 * no identity (or one that is not valid) {@code 401 UNAUTHORIZED} and the Bearer challenge that
 * sends the client to {@code /token}; with an identity that may not pull the name, {@code 403 DENIED}.
 * Tokens are checked on the calling thread (a map lookup once verified); Basic credentials by
 * {@link HtpasswdUsers}, whose bcrypt runs elsewhere, so the answer may complete on another thread.
 */
public final class AccessGate {

    /** The gate when access control is off: everything passes. */
    public static final AccessGate OPEN = new AccessGate(null, null, null, null);

    private static final CompletableFuture<Void> PASS = CompletableFuture.completedFuture(null);

    private final AccessPolicy policy;
    private final HtpasswdUsers users;
    private final TokenService tokens;
    private final TokenRealm realm;

    AccessGate(AccessPolicy policy, HtpasswdUsers users, TokenService tokens, TokenRealm realm) {
        this.policy = policy;
        this.users = users;
        this.tokens = tokens;
        this.realm = realm;
    }

    /**
     * Whether {@code /v2/} may answer 200: when access control is on, only to a valid identity
     * (clients send credentials only after a challenge, and {@code docker login} checks them here).
     */
    public CompletableFuture<Void> admitBase(Exchange exchange) {
        if (this == OPEN) {
            return PASS;
        }
        return identify(exchange, null).thenApply(identity -> null);
    }

    /**
     * Whether this request may pull {@code upstream}; fails with the {@link RegistryException} to answer.
     *
     * @param clientName the repository as the client's path names it: what its token's scope says
     */
    public CompletableFuture<Void> admit(Exchange exchange, String clientName, Repository upstream) {
        if (this == OPEN) {
            return PASS;
        }
        String name = upstream.toString();
        PresentedCredentials presented = PresentedCredentials.of(exchange.requestHeaderValues(HttpHeaderNames.AUTHORIZATION));
        if (presented instanceof PresentedCredentials.None) {
            return policy.anonymousMay(name) ? PASS
                    : CompletableFuture.failedFuture(challenge(exchange, clientName, null, "authentication required"));
        }
        if (presented instanceof PresentedCredentials.Bearer bearer) {
            Optional<TokenService.Verified> token = tokens.verify(bearer.token());
            if (token.isEmpty()) {
                return CompletableFuture.failedFuture(challenge(exchange, clientName, "invalid_token",
                        "the token is not valid here or has expired"));
            }
            return decide(exchange, token.get().identity(), clientName, name, token.get().mayPull(clientName));
        }
        return identify(exchange, clientName).thenCompose(identity -> decide(exchange, identity, clientName, name, true));
    }

    private CompletableFuture<Void> decide(Exchange exchange, Identity who, String clientName, String name, boolean scoped) {
        if (policy.anonymousMay(name)) {
            return PASS;
        }
        if (who.isAnonymous()) {
            return CompletableFuture.failedFuture(challenge(exchange, clientName, "insufficient_scope",
                    "authentication required"));
        }
        if (!policy.may(who, name)) {
            return CompletableFuture.failedFuture(new RegistryException(ErrorCode.DENIED,
                    who + " may not pull " + name));
        }
        return scoped ? PASS : CompletableFuture.failedFuture(challenge(exchange, clientName, "insufficient_scope",
                "the token does not cover " + clientName));
    }

    /** The identity the request's credentials prove; fails with a challenge when they prove none. */
    private CompletableFuture<Identity> identify(Exchange exchange, String clientName) {
        PresentedCredentials presented = PresentedCredentials.of(exchange.requestHeaderValues(HttpHeaderNames.AUTHORIZATION));
        if (presented instanceof PresentedCredentials.Bearer bearer) {
            return tokens.verify(bearer.token()).map(token -> CompletableFuture.completedFuture(token.identity()))
                    .orElseGet(() -> CompletableFuture.failedFuture(challenge(exchange, clientName, "invalid_token",
                            "the token is not valid here or has expired")));
        }
        if (presented instanceof PresentedCredentials.Basic basic) {
            return users.check(basic.user(), basic.password()).thenCompose(user -> user
                    .map(CompletableFuture::completedFuture)
                    .orElseGet(() -> CompletableFuture.failedFuture(challenge(exchange, clientName, null,
                            "incorrect username or password"))));
        }
        return CompletableFuture.failedFuture(challenge(exchange, clientName, null, "authentication required"));
    }

    private RegistryException challenge(Exchange exchange, String clientName, String error, String message) {
        StringBuilder value = new StringBuilder("Bearer realm=\"").append(realm.of(exchange))
                .append("\",service=\"").append(TokenService.SERVICE).append('"');
        if (clientName != null) {
            value.append(",scope=\"").append(Scope.pullOf(clientName)).append('"');
        }
        if (error != null) {
            value.append(",error=\"").append(error).append('"');
        }
        return new RegistryException(ErrorCode.UNAUTHORIZED, message,
                Map.of(HttpHeaderNames.WWW_AUTHENTICATE.toString(), value.toString()));
    }
}
