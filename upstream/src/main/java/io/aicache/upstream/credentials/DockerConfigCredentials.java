package io.aicache.upstream.credentials;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;
import io.aicache.upstream.IssuedCredentials;

/**
 * A registry's credentials from a Docker config file, as Docker finds them: its credential helper's
 * answer, or what the file holds. The file is read again at every refresh, so a rotated Kubernetes
 * secret or a new {@code docker login} is picked up; neither helpers nor the file say when credentials
 * expire, so they are kept for {@code keepFor} and renewed sooner when the registry refuses them.
 */
public final class DockerConfigCredentials implements CredentialProvider {

    private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

    private final String registry;
    private final Path file;
    private final List<Path> helperDirectories;
    private final Duration keepFor;
    private final Clock clock;

    /**
     * @param registry          the registry's name as clients and {@code docker login} spell it
     * @param helperDirectories where {@code docker-credential-*} executables are looked for
     */
    public DockerConfigCredentials(String registry, Path file, List<Path> helperDirectories, Duration keepFor, Clock clock) {
        this.registry = registry;
        this.file = file;
        this.helperDirectories = List.copyOf(helperDirectories);
        this.keepFor = keepFor;
        this.clock = clock;
    }

    /**
     * Checks what can be checked before any pull: the file is readable, and each helper it names for
     * {@code registry} (for every registry, when null) is there.
     */
    public static void check(String registry, Path file, List<Path> helperDirectories) {
        DockerConfigFile config = DockerConfigFile.read(file);
        for (String helper : config.helpersFor(registry)) {
            CredentialHelper.find(helper, helperDirectories, HELPER_TIMEOUT);
        }
    }

    @Override
    public IssuedCredentials issue() {
        DockerConfigFile config = DockerConfigFile.read(file);
        DockerConfigFile.Entry entry = config.lookup(registry).orElseThrow(() -> new CredentialsUnavailableException(
                "Docker config file " + file + " has no credentials for " + registry));
        Credentials credentials;
        if (entry instanceof DockerConfigFile.Entry.Helper helper) {
            credentials = CredentialHelper.find(helper.helper(), helperDirectories, HELPER_TIMEOUT)
                    .get(helper.serverUrl())
                    .orElseThrow(() -> new CredentialsUnavailableException("docker credential helper '" + helper.helper()
                            + "' holds no credentials for " + helper.serverUrl()));
        } else {
            credentials = ((DockerConfigFile.Entry.Inline) entry).credentials();
        }
        return IssuedCredentials.until(credentials, clock.instant().plus(keepFor));
    }

    @Override
    public String kind() {
        return "Docker config " + file;
    }
}
