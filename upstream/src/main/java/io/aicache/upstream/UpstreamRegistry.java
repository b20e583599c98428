package io.aicache.upstream;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A registry aicache mirrors.
 *
 * @param name          the name clients use for it ({@code docker.io}, {@code ghcr.io}, {@code registry.test:5000})
 * @param endpoints     where aicache reaches it, in the order they are tried: the registry itself
 *                      ({@code https://registry-1.docker.io}), and mirrors of it before or after
 * @param credentials   where credentials for the registry or its token service come from, when it needs any
 * @param libraryPrefix whether single-component names get {@code library/} (Docker Hub's official images)
 * @param caFiles       PEM certificates trusted for this registry's TLS besides the JDK's, for registries
 *                      with a private CA (and a parent cache's own)
 */
public record UpstreamRegistry(String name, List<UpstreamEndpoint> endpoints, Optional<CredentialProvider> credentials,
                               boolean libraryPrefix, List<Path> caFiles) {

    public UpstreamRegistry {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an upstream needs a name");
        }
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("upstream '" + name + "' needs at least one endpoint");
        }
        endpoints = List.copyOf(endpoints);
        if (endpoints.stream().map(UpstreamEndpoint::url).distinct().count() < endpoints.size()) {
            throw new IllegalArgumentException("upstream '" + name + "' lists an endpoint twice: " + endpoints);
        }
        credentials = credentials == null ? Optional.empty() : credentials;
        caFiles = caFiles == null ? List.of() : List.copyOf(caFiles);
    }

    /** A registry at one endpoint, trusted through the JDK's CAs alone. */
    public UpstreamRegistry(String name, URI endpoint, Optional<CredentialProvider> credentials, boolean libraryPrefix) {
        this(name, List.of(UpstreamEndpoint.of(endpoint)), credentials, libraryPrefix, List.of());
    }

    /**
     * The first endpoint that is the registry, or a mirror of it alone: requests sent as they are (the
     * CONNECT proxy's pass-through) go there, not to a mirror of many registries that needs {@code ns}.
     * The first endpoint when every one needs it.
     */
    public UpstreamEndpoint direct() {
        return direct(endpoints);
    }

    /** {@link #direct()} of a registry reached at {@code endpoints}. */
    public static UpstreamEndpoint direct(List<UpstreamEndpoint> endpoints) {
        return endpoints.stream().filter(endpoint -> !endpoint.ns()).findFirst().orElse(endpoints.get(0));
    }

    /** The repository path upstream knows: Docker Hub's official images live under {@code library/}. */
    public String upstreamRepository(String repository) {
        return libraryPrefix && repository.indexOf('/') < 0 ? "library/" + repository : repository;
    }
}
