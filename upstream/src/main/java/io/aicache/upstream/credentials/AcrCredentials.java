package io.aicache.upstream.credentials;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;
import io.aicache.upstream.IssuedCredentials;

/**
 * An Azure Container Registry's credentials, as {@code az acr login} gets them: an Entra ID token for
 * the registry's audience, exchanged at the registry's {@code POST /oauth2/exchange} for an ACR refresh
 * token. That is issued as an identity token (what {@code az acr login} leaves in Docker's config), so
 * the registry's Bearer challenge leads the token flow to {@code /oauth2/token} with it as an OAuth2
 * refresh token, for an access token per scope. The refresh token is kept until its {@code exp}.
 */
public final class AcrCredentials implements CredentialProvider {

    /** The Entra ID scope ACR's exchange takes in the public cloud. */
    public static final String DEFAULT_SCOPE = "https://containerregistry.azure.net/.default";
    /** How long a refresh token whose expiry cannot be read is kept (ACR's last three hours); a refusal renews it sooner. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;
    private final URI exchange;
    private final AzureIdentity identity;
    private final TokenCredential entra;
    private final TokenRequestContext tokenRequest;
    private final HttpClient http;
    private final Clock clock;

    /**
     * @param registry the registry's login server ({@code contoso.azurecr.io}): the exchange's {@code service}
     * @param endpoint where the registry is reached; its {@code /oauth2/exchange} is asked
     * @param scope    the Entra ID scope to ask a token for ({@link #DEFAULT_SCOPE}, or a sovereign cloud's)
     */
    public AcrCredentials(String registry, URI endpoint, AzureIdentity identity, String scope, Clock clock) {
        this.registry = registry;
        this.exchange = endpoint.resolve("/oauth2/exchange");
        this.identity = identity;
        this.entra = identity.credential();
        this.tokenRequest = new TokenRequestContext().addScopes(scope);
        this.http = HttpClient.newBuilder().connectTimeout(EXCHANGE_TIMEOUT).build();
        this.clock = clock;
    }

    @Override
    public IssuedCredentials issue() {
        String refreshToken = exchange(entraToken());
        Instant expiresAt = JwtClaims.of(refreshToken).flatMap(JwtClaims::expiresAt)
                .orElseGet(() -> clock.instant().plus(DEFAULT_LIFETIME));
        return IssuedCredentials.until(new Credentials(Credentials.IDENTITY_TOKEN_USER, refreshToken), expiresAt);
    }

    @Override
    public String kind() {
        return "azure (" + identity.describe() + ")";
    }

    private String entraToken() {
        AccessToken token;
        try {
            token = entra.getTokenSync(tokenRequest);
        } catch (RuntimeException e) {
            throw new CredentialsUnavailableException(kind() + ": no Entra ID token for " + tokenRequest.getScopes()
                    + ": " + e.getMessage(), e);
        }
        if (token == null || token.getToken() == null) {
            throw new CredentialsUnavailableException(kind() + ": no Entra ID token for " + tokenRequest.getScopes());
        }
        return token.getToken();
    }

    /** ACR's refresh token for {@code entraToken}, with the tenant configured or else the one that issued the token. */
    private String exchange(String entraToken) {
        Optional<String> tenant = Optional.ofNullable(identity.tenantId())
                .or(() -> JwtClaims.of(entraToken).flatMap(claims -> claims.string("tid")));
        StringBuilder form = new StringBuilder("grant_type=access_token&service=").append(encode(registry));
        tenant.ifPresent(t -> form.append("&tenant=").append(encode(t)));
        form.append("&access_token=").append(encode(entraToken));
        HttpRequest request = HttpRequest.newBuilder(exchange)
                .timeout(EXCHANGE_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CredentialsUnavailableException(kind() + ": " + exchange + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialsUnavailableException(kind() + ": interrupted while asking " + exchange, e);
        }
        if (response.statusCode() != 200) {
            throw new CredentialsUnavailableException(kind() + ": " + exchange + " answered " + response.statusCode()
                    + errorMessage(response.body()).map(message -> ": " + message).orElse(""));
        }
        return refreshToken(response.body());
    }

    private String refreshToken(byte[] body) {
        try {
            String token = JSON.readTree(body).path("refresh_token").asText("");
            if (token.isEmpty()) {
                throw new CredentialsUnavailableException(kind() + ": " + exchange + " answered without a refresh_token");
            }
            return token;
        } catch (IOException e) {
            throw new CredentialsUnavailableException(kind() + ": " + exchange + " answered with unreadable JSON", e);
        }
    }

    /** The first message of ACR's error body, {@code {"errors": [{"code", "message"}]}}, when there is one. */
    private static Optional<String> errorMessage(byte[] body) {
        try {
            JsonNode first = JSON.readTree(body).path("errors").path(0);
            String message = first.path("message").asText("");
            return message.isEmpty() ? Optional.empty() : Optional.of(message);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
