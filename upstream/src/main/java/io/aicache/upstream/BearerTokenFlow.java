package io.aicache.upstream;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The registry token flow: meets a Bearer challenge by asking its realm for a token for one scope
 * (with Basic credentials when configured, anonymously otherwise), and keeps tokens per scope until
 * shortly before they expire. Concurrent requests for one scope share one token request. A token
 * service that refuses the credentials is asked once more with renewed ones, when their source can
 * renew them. {@link Credentials#isIdentityToken() Identity tokens} (what
 * {@code docker login} keeps for OAuth registries, and what ACR's exchange hands out): it is sent as an
 * OAuth2 refresh token, as Docker does.
 */
final class BearerTokenFlow implements Authenticator {

    private static final String PREFIX = "Bearer ";
    /** Tokens are dropped this long before they expire, so none expires in flight. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    /** The token spec's default lifetime when the service does not say. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "aicache";

    private record Token(String value, long expiresAtMillis) {
    }

    private final HttpClient http;
    private final Optional<CredentialSource> credentials;
    private final Duration timeout;
    private final Clock clock;
    private final ConcurrentHashMap<String, CompletableFuture<Token>> byScope = new ConcurrentHashMap<>();

    BearerTokenFlow(HttpClient http, Optional<CredentialSource> credentials, Duration timeout, Clock clock) {
        this.http = http;
        this.credentials = credentials;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public Optional<String> authorization(String scope) {
        return cached(scope).map(token -> PREFIX + token);
    }

    @Override
    public Optional<CompletableFuture<String>> answer(Challenge challenge, String scope, Optional<String> refused) {
        if (!challenge.scheme().equals("bearer")) {
            return Optional.empty();
        }
        refused.filter(value -> value.startsWith(PREFIX))
                .ifPresent(value -> invalidate(scope, value.substring(PREFIX.length())));
        return Optional.of(obtain(challenge, scope).thenApply(token -> PREFIX + token));
    }

    /** A cached, unexpired token for {@code scope}, if there is one. */
    private Optional<String> cached(String scope) {
        CompletableFuture<Token> token = byScope.get(scope);
        if (token == null || !token.isDone() || token.isCompletedExceptionally()) {
            return Optional.empty();
        }
        Token t = token.join();
        return t.expiresAtMillis() > clock.millis() ? Optional.of(t.value()) : Optional.empty();
    }

    /** A token for {@code scope} from the challenge's realm: the cached one, or a new one. */
    private CompletableFuture<String> obtain(Challenge challenge, String scope) {
        CompletableFuture<Token> token = byScope.compute(scope, (key, existing) -> {
            if (existing != null && !existing.isCompletedExceptionally()
                    && (!existing.isDone() || existing.join().expiresAtMillis() > clock.millis())) {
                return existing;
            }
            return request(challenge, scope);
        });
        token.whenComplete((t, failure) -> {
            if (failure != null) {
                byScope.remove(scope, token);
            }
        });
        return token.thenApply(Token::value);
    }

    /**
     * Forgets the token for {@code scope} when it is the one upstream refused; a newer token (or
     * one being fetched) stays, so parallel requests refused at once share one new token.
     */
    private void invalidate(String scope, String refused) {
        byScope.computeIfPresent(scope, (key, token) -> token.isDone() && !token.isCompletedExceptionally()
                && token.join().value().equals(refused) ? null : token);
    }

    private CompletableFuture<Token> request(Challenge challenge, String scope) {
        String realm = challenge.parameter("realm");
        if (realm == null) {
            return CompletableFuture.failedFuture(new UpstreamException("token challenge without a realm"));
        }
        if (credentials.isEmpty()) {
            return request(challenge, realm, scope, Optional.empty()).thenApply(Optional::orElseThrow);
        }
        CredentialSource source = credentials.get();
        CompletableFuture<Credentials> known = source.current().map(CompletableFuture::completedFuture)
                .orElseGet(() -> source.fresh(Optional.empty()));
        return known.thenCompose(sent -> request(challenge, realm, scope, Optional.of(sent))
                .thenCompose(token -> token.isPresent() || !source.renewable()
                        ? CompletableFuture.completedFuture(token)
                        : source.fresh(Optional.of(sent)).thenCompose(renewed ->
                                request(challenge, realm, scope, Optional.of(renewed)))))
                .thenApply(token -> token.orElseThrow(() -> new UpstreamException("token service " + realm
                        + " refused aicache's " + source.kind() + " credentials")));
    }

    /** A token from {@code realm}, or empty when it refused {@code sent} (401). */
    private CompletableFuture<Optional<Token>> request(Challenge challenge, String realm, String scope,
                                                       Optional<Credentials> sent) {
        String service = challenge.parameter("service");
        HttpRequest.Builder request;
        if (sent.isPresent() && sent.get().isIdentityToken()) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=").append(CLIENT_ID);
            if (service != null) {
                form.append("&service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
            }
            form.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8))
                    .append("&refresh_token=").append(URLEncoder.encode(sent.get().password(), StandardCharsets.UTF_8));
            request = HttpRequest.newBuilder(URI.create(realm))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        } else {
            StringBuilder uri = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
            if (service != null) {
                uri.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
            }
            uri.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
            HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(uri.toString())).GET();
            sent.ifPresent(c -> get.header("Authorization", c.basicHeader()));
            request = get;
        }
        long requestedAt = clock.millis();
        return http.sendAsync(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() == 401 && sent.isPresent()) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new UpstreamException("token service " + realm + " answered " + response.statusCode());
            }
            return Optional.of(parse(response.body(), requestedAt));
        });
    }

    private Token parse(byte[] body, long requestedAt) {
        try {
            JsonNode json = JSON.readTree(body);
            String value = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText(null);
            if (value == null || value.isEmpty()) {
                throw new UpstreamException("token service answered without a token");
            }
            long lifetimeSeconds = json.path("expires_in").asLong(DEFAULT_LIFETIME.toSeconds());
            long lifetime = Math.max(Duration.ofSeconds(lifetimeSeconds).minus(EXPIRY_MARGIN).toMillis(), 0);
            return new Token(value, requestedAt + lifetime);
        } catch (java.io.IOException e) {
            throw new UpstreamException("token service answered with unreadable JSON", e);
        }
    }
}
