package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One {@link ChartRepositoryClient} per configured chart repository, sharing one HTTP client,
 * with the same timeouts and mark-down rules as the registries' clients.
 */
public final class ChartRepositories {

    private final Map<String, ChartRepositoryClient> byName = new LinkedHashMap<>();

    public ChartRepositories(Collection<ChartRepository> repositories, Executor executor, Duration connectTimeout,
                             Duration firstByteTimeout, int failuresToMarkDown, Duration downFor, boolean offline) {
        HttpClient http = UpstreamClients.newHttpClient(executor, connectTimeout);
        for (ChartRepository repository : repositories) {
            byName.put(repository.name(), new ChartRepositoryClient(repository, http, firstByteTimeout,
                    UpstreamClients.newHealth(failuresToMarkDown, downFor, offline)));
        }
    }

    public Collection<ChartRepositoryClient> all() {
        return byName.values();
    }

    public Optional<ChartRepositoryClient> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
