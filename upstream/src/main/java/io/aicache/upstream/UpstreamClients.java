package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One {@link RegistryClient} per configured upstream, sharing one HTTP client (and so one
 * keep-alive connection pool) whose callbacks run on the given executor.
 */
public final class UpstreamClients {

    private final Map<String, RegistryClient> byName = new LinkedHashMap<>();

    public UpstreamClients(Collection<UpstreamRegistry> registries, Executor executor,
                           Duration connectTimeout, Duration firstByteTimeout) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor)
                .build();
        for (UpstreamRegistry registry : registries) {
            byName.put(registry.name(), new RegistryClient(registry, http, firstByteTimeout));
        }
    }

    /** The client for the upstream clients call {@code name}. */
    public Optional<RegistryClient> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
