package io.aicache.proxy.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.aicache.model.Repository;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.upstream.RegistryClient;
import io.aicache.upstream.UpstreamClients;

/**
 * Picks the upstream for a request: a cache rule that covers the name the client asked for (then the
 * name it stands for is what follows), else containerd's {@code ?ns=<registry>} parameter, else a
 * first path component that names a configured registry ({@code /v2/ghcr.io/org/app/...}) or one a
 * host pattern matches, else the default registry (Docker's registry-mirrors send bare Docker Hub names).
 */
public final class UpstreamSelector {

    private final UpstreamClients clients;
    private final RegistryClient defaultClient;
    private final CacheRules rules;

    public UpstreamSelector(UpstreamClients clients, String defaultRegistry, CacheRules rules) {
        this.clients = clients;
        this.rules = rules;
        this.defaultClient = clients.byName(defaultRegistry)
                .orElseThrow(() -> new IllegalArgumentException("no upstream named " + defaultRegistry));
    }

    public Target select(String pathName, String namespace) {
        Optional<String> standsFor = rules.rewrite(pathName, namespace);
        if (standsFor.isPresent()) {
            Target target = byRegistry(standsFor.get(), null);
            return new Target(target.client(), target.repository(), pathName, namespace);
        }
        return byRegistry(pathName, namespace);
    }

    /**
     * Every upstream repository {@code pathName} can stand for: as the path names it, and under each
     * registry a {@code ns} parameter can choose (a token is asked for by name alone).
     */
    public List<Repository> repositoriesFor(String pathName) {
        List<Repository> found = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        namespaces.add(null);
        clients.all().forEach(client -> namespaces.add(client.registry().name()));
        for (String namespace : namespaces) {
            try {
                Repository repository = select(pathName, namespace).repository();
                if (!found.contains(repository)) {
                    found.add(repository);
                }
            } catch (RegistryException | IllegalArgumentException notAName) {
                // not a name under this registry: it cannot stand for anything there
            }
        }
        return found;
    }

    private Target byRegistry(String pathName, String namespace) {
        if (namespace != null) {
            RegistryClient client = clients.byName(namespace).orElseThrow(() -> new RegistryException(
                    ErrorCode.NAME_UNKNOWN, "no upstream is configured for registry '" + namespace + "'"));
            return target(client, pathName, pathName, namespace);
        }
        int slash = pathName.indexOf('/');
        if (slash > 0) {
            Optional<RegistryClient> named = clients.byName(pathName.substring(0, slash));
            if (named.isPresent()) {
                return target(named.get(), pathName.substring(slash + 1), pathName, null);
            }
        }
        return target(defaultClient, pathName, pathName, null);
    }

    private static Target target(RegistryClient client, String repository, String pathName, String namespace) {
        References.requireName(repository);
        return new Target(client, new Repository(client.registry().name(), client.registry().upstreamRepository(repository)),
                pathName, namespace);
    }
}
