package io.aicache.proxy.access;

import java.util.Map;
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
 * Each decision is a {@link Verdict}, told to the {@link AuditLog}.
 * Tokens are checked on the calling thread (a map lookup once verified); Basic credentials by
 * {@link HtpasswdUsers}, whose bcrypt runs elsewhere, so the answer may complete on another thread.
 */
public final class AccessGate {

    /** The gate when access control is off: everything passes. */
    public static final AccessGate OPEN = new AccessGate(null, null, null, null, null);

    private static final CompletableFuture<Void> PASS = CompletableFuture.completedFuture(null);

    private final AccessPolicy policy;
    private final HtpasswdUsers users;
    private final TokenService tokens;
    private final TokenRealm realm;
    private final AuditLog audit;

    AccessGate(AccessPolicy policy, HtpasswdUsers users, TokenService tokens, TokenRealm realm, AuditLog audit) {
        this.policy = policy;
        this.users = users;
        this.tokens = tokens;
        this.realm = realm;
        this.audit = audit;
    }

    /**
     * Whether {@code /v2/} may answer 200: when access control is on, only to a valid identity
     * (clients send credentials only after a challenge, and {@code docker login} checks them here).
     */
    public CompletableFuture<Void> admitBase(Exchange exchange) {
        if (this == OPEN) {
            return PASS;
        }
        return verdict(exchange, null, null).thenCompose(verdict -> {
            audit.login(exchange, verdict);
            return answer(verdict);
        });
    }

    /**
     * Whether this request may pull {@code reference} in {@code upstream}; fails with the
     * {@link RegistryException} to answer. Decisions on names anonymous clients may not pull are audited.
     *
     * @param clientName the repository as the client's path names it: what its token's scope says
     */
    public CompletableFuture<Void> admit(Exchange exchange, String clientName, Repository upstream, String reference) {
        if (this == OPEN) {
            return PASS;
        }
        String name = upstream.toString();
        return verdict(exchange, clientName, name).thenCompose(verdict -> {
            if (verdict.reason() != Verdict.Reason.ANONYMOUS_ALLOWED) {
                audit.pull(exchange, verdict, upstream, clientName, reference);
            }
            return answer(verdict);
        });
    }

    private static CompletableFuture<Void> answer(Verdict verdict) {
        return verdict.allowed() ? PASS : CompletableFuture.failedFuture(verdict.refusal());
    }

    /**
     * What the request's credentials allow for {@code name}; with {@code name} null (the base check), any valid
     * identity passes.
     */
    private CompletableFuture<Verdict> verdict(Exchange exchange, String clientName, String name) {
        PresentedCredentials presented = PresentedCredentials.of(exchange.requestHeaderValues(HttpHeaderNames.AUTHORIZATION));
        if (presented instanceof PresentedCredentials.None) {
            return CompletableFuture.completedFuture(name != null && policy.anonymousMay(name)
                    ? Verdict.allowed(Identity.ANONYMOUS, Verdict.Reason.ANONYMOUS_ALLOWED)
                    : Verdict.refused(null, Verdict.Reason.NO_CREDENTIALS,
                            challenge(exchange, clientName, null, "authentication required")));
        }
        if (presented instanceof PresentedCredentials.Bearer bearer) {
            return CompletableFuture.completedFuture(tokens.verify(bearer.token())
                    .map(token -> decide(exchange, token.identity(), clientName, name,
                            name == null || token.mayPull(clientName)))
                    .orElseGet(() -> Verdict.refused(null, Verdict.Reason.INVALID_TOKEN, challenge(exchange, clientName,
                            "invalid_token", "the token is not valid here or has expired"))));
        }
        if (presented instanceof PresentedCredentials.Basic basic) {
            return users.check(basic.user(), basic.password()).thenApply(user -> user
                    .map(identity -> decide(exchange, identity, clientName, name, true))
                    .orElseGet(() -> Verdict.refused(basic.user(), Verdict.Reason.BAD_PASSWORD,
                            challenge(exchange, clientName, null, "incorrect username or password"))));
        }
        return CompletableFuture.completedFuture(Verdict.refused(null, Verdict.Reason.UNREADABLE_CREDENTIALS,
                challenge(exchange, clientName, null, "authentication required")));
    }

    private Verdict decide(Exchange exchange, Identity who, String clientName, String name, boolean scoped) {
        if (name == null) {
            return Verdict.allowed(who, Verdict.Reason.ALLOWED);
        }
        if (policy.anonymousMay(name)) {
            return Verdict.allowed(who, Verdict.Reason.ANONYMOUS_ALLOWED);
        }
        if (who.isAnonymous()) {
            return Verdict.refused(null, Verdict.Reason.NO_CREDENTIALS, challenge(exchange, clientName,
                    "insufficient_scope", "authentication required"));
        }
        if (!policy.may(who, name)) {
            return Verdict.refused(who.user(), Verdict.Reason.NOT_ALLOWED,
                    new RegistryException(ErrorCode.DENIED, who + " may not pull " + name));
        }
        return scoped ? Verdict.allowed(who, Verdict.Reason.ALLOWED)
                : Verdict.refused(who.user(), Verdict.Reason.OUTSIDE_TOKEN_SCOPE, challenge(exchange, clientName,
                        "insufficient_scope", "the token does not cover " + clientName));
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
