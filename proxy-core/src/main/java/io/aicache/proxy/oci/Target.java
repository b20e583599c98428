package io.aicache.proxy.oci;

import io.aicache.model.Repository;
import io.aicache.upstream.RegistryClient;

/**
 * The upstream repository a request is for.
 *
 * @param client             talks to the chosen registry
 * @param repository         the repository as upstream names it ({@code library/alpine} for {@code alpine} on Docker Hub)
 * @param clientPathPrefix   what the client's path had before the endpoint ({@code ghcr.io/org/app}), for rewriting links
 * @param namespaceEcho      the {@code ns} parameter that chose the registry, or {@code null}
 */
public record Target(RegistryClient client, Repository repository, String clientPathPrefix, String namespaceEcho) {

    public String registryName() {
        return repository.registry();
    }
}
