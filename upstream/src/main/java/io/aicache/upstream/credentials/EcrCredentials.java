package io.aicache.upstream.credentials;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;
import io.aicache.upstream.IssuedCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

/**
 * An Amazon ECR registry's credentials: {@code GetAuthorizationToken} in the registry's region, signed with
 * whatever AWS credentials the SDK's default chain finds (environment, profile files, EKS web identity
 * tokens and pod identity, instance metadata). The token is {@code AWS:<password>} for Basic
 * authentication, good for 12 hours; the {@code CredentialSource} asks again before then.
 */
public final class EcrCredentials implements CredentialProvider {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String registry;
    private final String region;
    /** Thread-safe and built once: every renewal shares its connections and the chain's cached AWS credentials. */
    private final EcrClient client;

    /**
     * @param region   the region to ask; empty: the one in {@code registry}'s host name
     * @param endpoint the ECR API's address in place of the region's public one (a VPC endpoint)
     * @param profile  the AWS profile the default chain reads from the profile files in place of {@code AWS_PROFILE}'s
     * @throws IllegalArgumentException when no region is given and the host name has none
     */
    public EcrCredentials(String registry, Optional<String> region, Optional<URI> endpoint, Optional<String> profile) {
        this.registry = registry;
        this.region = region(registry, region);
        DefaultCredentialsProvider.Builder awsCredentials = DefaultCredentialsProvider.builder();
        profile.ifPresent(awsCredentials::profileName);
        EcrClientBuilder builder = EcrClient.builder()
                .region(Region.of(this.region))
                .credentialsProvider(awsCredentials.build())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(READ_TIMEOUT));
        endpoint.ifPresent(builder::endpointOverride);
        this.client = builder.build();
    }

    /**
     * Checks what can be checked without asking AWS: a region is known for {@code registry} (null: a pattern,
     * whose hosts each name theirs), and the profile, if one is named, is in the profile files.
     *
     * @throws IllegalArgumentException naming the setting to change
     */
    public static void check(String registry, Optional<String> region, Optional<String> profile) {
        if (registry != null) {
            region(registry, region);
        }
        profile.ifPresent(EcrCredentials::checkProfile);
    }

    private static String region(String registry, Optional<String> configured) {
        return configured.or(() -> EcrRegistryHost.region(registry)).orElseThrow(() -> new IllegalArgumentException(
                "registry '" + registry + "' is not named " + EcrRegistryHost.SHAPE + " to read its region from;"
                        + " set credentials.region"));
    }

    private static void checkProfile(String profile) {
        boolean found;
        try {
            found = ProfileFile.defaultProfileFile().profile(profile).isPresent();
        } catch (SdkException e) {
            throw new IllegalArgumentException("credentials.profile '" + profile + "': the AWS profile files cannot be read: "
                    + e.getMessage());
        }
        if (!found) {
            throw new IllegalArgumentException("credentials.profile '" + profile + "' is in neither AWS profile file"
                    + " (~/.aws/config and ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE)");
        }
    }

    @Override
    public IssuedCredentials issue() {
        AuthorizationData data;
        try {
            data = client.getAuthorizationToken(request -> { }).authorizationData().stream().findFirst()
                    .orElseThrow(() -> new CredentialsUnavailableException(kind() + " answered no authorization data"));
        } catch (SdkException e) {
            throw new CredentialsUnavailableException(kind() + " GetAuthorizationToken failed: " + e.getMessage(), e);
        }
        // ECR always says when a token expires; one that did not would be kept until the registry refused it.
        return new IssuedCredentials(decode(data.authorizationToken()), Optional.ofNullable(data.expiresAt()));
    }

    /** The token is base64 of {@code AWS:<password>}. */
    private Credentials decode(String token) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(token == null ? "" : token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CredentialsUnavailableException(kind() + " answered a token that is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new CredentialsUnavailableException(kind() + " answered a token that is not user:password");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    @Override
    public String kind() {
        return "Amazon ECR (" + region + ")";
    }

    @Override
    public String toString() {
        return "EcrCredentials[" + registry + ", region=" + region + "]";
    }
}
