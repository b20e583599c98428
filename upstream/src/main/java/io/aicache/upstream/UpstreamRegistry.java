package io.aicache.upstream;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A registry aicache mirrors.
 *
 * @param name          the name clients use for it ({@code docker.io}, {@code ghcr.io}, {@code registry.test:5000})
 * @param endpoint      where aicache reaches it ({@code https://registry-1.docker.io}, {@code http://127.0.0.1:5000})
 * @param credentials   where credentials for the registry or its token service come from, when it needs any
 * @param libraryPrefix whether single-component names get {@code library/} (Docker Hub's official images)
 * @param caFile        PEM certificates trusted for this registry's TLS besides the JDK's, for registries
 *                      with a private CA
 */
public record UpstreamRegistry(String name, URI endpoint, Optional<CredentialProvider> credentials, boolean libraryPrefix,
                               Optional<Path> caFile) {

    public UpstreamRegistry {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an upstream needs a name");
        }
        if (endpoint == null || endpoint.getHost() == null
                || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
            throw new IllegalArgumentException("upstream '" + name + "' needs an http:// or https:// endpoint with a host, got '"
                    + endpoint + "'");
        }
        credentials = credentials == null ? Optional.empty() : credentials;
        caFile = caFile == null ? Optional.empty() : caFile;
    }

    /** A registry trusted through the JDK's CAs alone. */
    public UpstreamRegistry(String name, URI endpoint, Optional<CredentialProvider> credentials, boolean libraryPrefix) {
        this(name, endpoint, credentials, libraryPrefix, Optional.empty());
    }

    /** The repository path upstream knows: Docker Hub's official images live under {@code library/}. */
    public String upstreamRepository(String repository) {
        return libraryPrefix && repository.indexOf('/') < 0 ? "library/" + repository : repository;
    }
}
