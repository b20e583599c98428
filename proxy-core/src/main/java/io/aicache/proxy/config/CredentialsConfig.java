package io.aicache.proxy.config;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.CredentialsUnavailableException;
import io.aicache.upstream.credentials.AcrCredentials;
import io.aicache.upstream.credentials.AzureIdentity;
import io.aicache.upstream.credentials.DockerConfigCredentials;
import io.aicache.upstream.credentials.DockerConfigFile;
import io.aicache.upstream.credentials.EcrCredentials;
import io.aicache.upstream.credentials.GoogleAccessTokens;

/**
 * Where a registry's credentials come from, when they are not a fixed {@code username} and
 * {@code password}: {@code credentials: {kind: ..., ...}} on a registry. Each kind checks what it can
 * at start (files readable, helpers present), so {@code aicache config check} names a bad setting by
 * key and value before any pull needs it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = CredentialsConfig.DockerConfig.class, name = "dockerConfig"),
        @JsonSubTypes.Type(value = CredentialsConfig.Azure.class, name = "azure"),
        @JsonSubTypes.Type(value = CredentialsConfig.Google.class, name = "google"),
        @JsonSubTypes.Type(value = CredentialsConfig.Ecr.class, name = "ecr"),
})
public interface CredentialsConfig {

    /** Checks the settings against the machine for {@code registry} (null: a pattern, any registry it matches). */
    void check(String registry);

    /** The provider for the registry clients call {@code registry}. */
    CredentialProvider provider(String registry);

    /**
     * The provider for {@code registry} reached at {@code endpoint}: kinds that talk to the registry's
     * own token service (ACR's exchange) ask the configured endpoint rather than the name's host.
     */
    default CredentialProvider provider(String registry, URI endpoint) {
        return provider(registry);
    }

    /**
     * A Docker {@code config.json} or a mounted {@code .dockerconfigjson}: its {@code credHelpers} and
     * {@code credsStore} run {@code docker-credential-<name>}, its {@code auths} are read as they are.
     *
     * @param file       the file; unset: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}
     * @param helperPath directories, {@code :}-separated, where helpers are found; unset: {@code $PATH}
     * @param keepFor    how long an answer is kept before the helper is asked again (renewed at once when refused)
     */
    record DockerConfig(Path file, String helperPath, Duration keepFor) implements CredentialsConfig {

        private static final Duration DEFAULT_KEEP_FOR = Duration.ofMinutes(5);

        public DockerConfig {
            file = file != null ? file : DockerConfigFile.defaultPath(System.getenv("DOCKER_CONFIG"), System.getProperty("user.home"));
            helperPath = helperPath != null ? helperPath : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            keepFor = keepFor != null ? keepFor : DEFAULT_KEEP_FOR;
            if (keepFor.isNegative() || keepFor.isZero()) {
                throw new IllegalArgumentException("credentials.keepFor must be positive, got " + keepFor);
            }
        }

        @Override
        public void check(String registry) {
            DockerConfigCredentials.check(registry, file, helperDirectories());
        }

        @Override
        public CredentialProvider provider(String registry) {
            return new DockerConfigCredentials(registry, file, helperDirectories(), keepFor, Clock.systemUTC());
        }

        private List<Path> helperDirectories() {
            return Arrays.stream(helperPath.split(File.pathSeparator)).filter(dir -> !dir.isEmpty()).map(Path::of).toList();
        }
    }

    /**
     * Azure Container Registry through Entra ID: a token for the registry's audience, exchanged at the
     * registry for an ACR refresh token (as {@code az acr login} does).
     *
     * @param tenantId      the identity's tenant; needed with {@code clientSecret}; sent with the exchange
     *                      (unset: the tenant that issued the Entra ID token)
     * @param clientId      a service principal's application ID (with {@code clientSecret}), or alone a
     *                      user-assigned managed identity's client ID
     * @param clientSecret  a service principal's secret
     * @param authorityHost a sovereign cloud's Entra ID ({@code https://login.microsoftonline.us})
     * @param scope         the Entra ID scope the exchange takes; unset: the public cloud's ACR audience
     */
    record Azure(String tenantId, String clientId, String clientSecret, URI authorityHost, String scope)
            implements CredentialsConfig {

        public Azure {
            if (clientSecret != null && tenantId == null) {
                throw new IllegalArgumentException("credentials.clientSecret needs credentials.tenantId,"
                        + " the service principal's tenant");
            }
            if (clientSecret != null && clientId == null) {
                throw new IllegalArgumentException("credentials.clientSecret needs credentials.clientId,"
                        + " the service principal's application ID");
            }
            if (authorityHost != null && !"https".equals(authorityHost.getScheme())) {
                throw new IllegalArgumentException("credentials.authorityHost must be an https:// URL, got '"
                        + authorityHost + "'");
            }
            scope = scope != null ? scope : AcrCredentials.DEFAULT_SCOPE;
        }

        @Override
        public void check(String registry) {
            // Entra ID and the registry answer only when asked: nothing more to check before a pull.
        }

        @Override
        public CredentialProvider provider(String registry) {
            return provider(registry, URI.create("https://" + registry));
        }

        @Override
        public CredentialProvider provider(String registry, URI endpoint) {
            return new AcrCredentials(registry, endpoint, new AzureIdentity(tenantId, clientId, clientSecret, authorityHost),
                    scope, Clock.systemUTC());
        }

        @Override
        public String toString() {
            return "Azure[tenantId=" + tenantId + ", clientId=" + clientId + ", clientSecret="
                    + (clientSecret == null ? "unset" : "***") + ", authorityHost=" + authorityHost + ", scope=" + scope + "]";
        }
    }

    /**
     * Google Artifact Registry and GCR: OAuth2 access tokens sent as {@code oauth2accesstoken:<token>}.
     *
     * @param keyFile      a service account's JSON key, a workload identity federation config, or gcloud's user
     *                     credentials; unset: Application Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS},
     *                     gcloud's, the GCE or GKE metadata server)
     * @param scopes       the OAuth2 scopes asked for; unset: {@code cloud-platform}
     * @param metadataHost {@code host[:port]} of the metadata server to take tokens from in place of
     *                     {@code metadata.google.internal}, as {@code GCE_METADATA_HOST} says; not with {@code keyFile}
     */
    record Google(Path keyFile, List<String> scopes, String metadataHost) implements CredentialsConfig {

        public Google {
            scopes = scopes != null ? scopes : GoogleAccessTokens.DEFAULT_SCOPES;
            if (scopes.isEmpty() || scopes.stream().anyMatch(scope -> scope == null || scope.isBlank())) {
                throw new IllegalArgumentException("credentials.scopes must list OAuth2 scopes, got " + scopes);
            }
            scopes = List.copyOf(scopes);
            if (keyFile != null && metadataHost != null) {
                throw new IllegalArgumentException("credentials has both keyFile and metadataHost; keep one");
            }
            if (metadataHost != null && !isHostAndPort(metadataHost)) {
                throw new IllegalArgumentException("credentials.metadataHost must be host or host:port, got '" + metadataHost + "'");
            }
        }

        private static boolean isHostAndPort(String value) {
            try {
                URI uri = new URI("http://" + value);
                return uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawPath().isEmpty()
                        && uri.getRawQuery() == null && uri.getRawFragment() == null;
            } catch (URISyntaxException e) {
                return false;
            }
        }

        @Override
        public void check(String registry) {
            if (keyFile != null) {
                try {
                    GoogleAccessTokens.checkKeyFile(keyFile);
                } catch (CredentialsUnavailableException e) {
                    throw new CredentialsUnavailableException("keyFile: " + e.getMessage());
                }
            }
        }

        @Override
        public CredentialProvider provider(String registry) {
            if (keyFile != null) {
                return GoogleAccessTokens.fromKeyFile(keyFile, scopes);
            }
            return metadataHost != null ? GoogleAccessTokens.metadataServer(metadataHost, scopes)
                    : GoogleAccessTokens.applicationDefault(scopes);
        }
    }

    /**
     * Amazon ECR: a 12-hour token from {@code GetAuthorizationToken}, signed with the AWS credentials the
     * SDK's default chain finds (environment, profile files, EKS service account or pod identity, instance
     * metadata).
     *
     * @param region   the region; unset: read from the registry's name, {@code <account>.dkr.ecr.<region>.amazonaws.com}
     * @param endpoint the ECR API's address in place of the region's public one (a VPC interface endpoint)
     * @param profile  the AWS profile to take credentials from; unset: {@code AWS_PROFILE}, else {@code default}
     */
    record Ecr(String region, URI endpoint, String profile) implements CredentialsConfig {

        private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

        public Ecr {
            if (region != null && !REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("credentials.region must be an AWS region such as eu-west-1, got '"
                        + region + "'");
            }
            if (endpoint != null && (endpoint.getHost() == null
                    || !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme())))) {
                throw new IllegalArgumentException("credentials.endpoint must be an http(s) URL with a host, got '"
                        + endpoint + "'");
            }
            if (profile != null && profile.isBlank()) {
                throw new IllegalArgumentException("credentials.profile must name a profile, or be left out");
            }
        }

        @Override
        public void check(String registry) {
            EcrCredentials.check(registry, Optional.ofNullable(region), Optional.ofNullable(profile));
        }

        @Override
        public CredentialProvider provider(String registry) {
            return new EcrCredentials(registry, Optional.ofNullable(region), Optional.ofNullable(endpoint),
                    Optional.ofNullable(profile));
        }
    }
}
