package io.aicache.proxy.access;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Issues and verifies the tokens of aicache's own token service: JWTs in Docker's format (issuer and
 * audience {@code aicache}, the user as subject, an {@code access} claim listing each repository and
 * its actions), signed with the {@link TokenKey}. A verified token is remembered until it expires,
 * so a request that carries one costs a map lookup, not a signature check.
 */
public final class TokenService {

    /** The service name in challenges and tokens, and the tokens' issuer and audience. */
    public static final String SERVICE = "aicache";
    private static final String ACCESS_CLAIM = "access";

    /** What a token proved: who it was issued to, the repositories (as the client names them) it may pull, until when. */
    public record Verified(Identity identity, Set<String> pullable, Instant expiresAt) {

        public boolean mayPull(String clientName) {
            return pullable.contains(clientName);
        }
    }

    /** A token as the token endpoint hands it out. */
    public record Issued(String token, Duration expiresIn, Instant issuedAt) {

        @Override
        public String toString() {
            return "Issued[token hidden, expiresIn=" + expiresIn + ", issuedAt=" + issuedAt + "]";
        }
    }

    private final TokenKey key;
    private final Duration ttl;
    private final Clock clock;
    private final Cache<String, Verified> verified;

    public TokenService(TokenKey key, Duration ttl, Clock clock) {
        this.key = key;
        this.ttl = ttl;
        this.clock = clock;
        this.verified = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
    }

    /** A token for {@code who} that may pull {@code pullable} (repositories as the client names them). */
    public Issued issue(Identity who, List<String> pullable) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(SERVICE)
                .audience(SERVICE)
                .subject(who.isAnonymous() ? "" : who.user())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim(ACCESS_CLAIM, pullable.stream()
                        .map(name -> Map.of("type", Scope.REPOSITORY, "name", name, "actions", List.of(Scope.PULL)))
                        .toList())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(key.algorithm()), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return new Issued(jwt.serialize(), ttl, now);
    }

    /** What {@code token} proves, or empty when it is malformed, not signed by this service's key, not for it, or expired. */
    public Optional<Verified> verify(String token) {
        Instant now = clock.instant();
        Verified known = verified.getIfPresent(token);
        if (known == null) {
            known = check(token);
            if (known == null) {
                return Optional.empty();
            }
            verified.put(token, known);
        }
        return now.isBefore(known.expiresAt()) ? Optional.of(known) : Optional.empty();
    }

    private Verified check(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!key.algorithm().equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(key.verifier())) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            Date notBefore = claims.getNotBeforeTime();
            if (!SERVICE.equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().contains(SERVICE) || expires == null
                    || notBefore != null && notBefore.toInstant().isAfter(clock.instant().plusSeconds(5))) {
                return null;
            }
            String subject = claims.getSubject();
            return new Verified(subject == null || subject.isEmpty() ? Identity.ANONYMOUS : new Identity(subject),
                    pullable(claims), expires.toInstant());
        } catch (ParseException | JOSEException | ClassCastException e) {
            return null;
        }
    }

    private static Set<String> pullable(JWTClaimsSet claims) throws ParseException {
        Set<String> names = new HashSet<>();
        List<Object> access = claims.getListClaim(ACCESS_CLAIM);
        if (access == null) {
            return names;
        }
        for (Object entry : access) {
            if (entry instanceof Map<?, ?> grant && Scope.REPOSITORY.equals(grant.get("type"))
                    && grant.get("name") instanceof String name
                    && grant.get("actions") instanceof List<?> actions && actions.contains(Scope.PULL)) {
                names.add(name);
            }
        }
        return names;
    }
}
