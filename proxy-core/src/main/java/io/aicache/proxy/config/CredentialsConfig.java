package io.aicache.proxy.config;

import java.io.File;
import java.net.URI;
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
import io.aicache.upstream.credentials.DockerConfigCredentials;
import io.aicache.upstream.credentials.DockerConfigFile;
import io.aicache.upstream.credentials.EcrCredentials;

/**
 * Where a registry's credentials come from, when they are not a fixed {@code username} and
 * {@code password}: {@code credentials: {kind: ..., ...}} on a registry. Each kind checks what it can
 * at start (files readable, helpers present), so {@code aicache config check} names a bad setting by
 * key and value before any pull needs it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = CredentialsConfig.DockerConfig.class, name = "dockerConfig"),
        @JsonSubTypes.Type(value = CredentialsConfig.Ecr.class, name = "ecr"),
})
public interface CredentialsConfig {

    /** Checks the settings against the machine for {@code registry} (null: a pattern, any registry it matches). */
    void check(String registry);

    /** The provider for the registry clients call {@code registry}. */
    CredentialProvider provider(String registry);

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
