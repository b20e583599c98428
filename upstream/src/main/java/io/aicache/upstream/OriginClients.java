package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One client per configured origin that is not a registry (a chart repository, a file remote), by
 * the origin's name, sharing one HTTP client, with the same timeouts and mark-down rules as the
 * registries' clients.
 *
 * @param <C> the client of one origin
 */
public final class OriginClients<C> {

    /** How one origin's client is made. */
    @FunctionalInterface
    private interface Factory<T, C> {
        C create(T origin, HttpClient http, Duration firstByteTimeout, UpstreamHealth health);
    }

    private final Map<String, C> byName = new LinkedHashMap<>();

    private <T> OriginClients(Collection<T> origins, Function<T, String> nameOf, Factory<T, C> factory,
                              Executor executor, Duration connectTimeout, Duration firstByteTimeout,
                              int failuresToMarkDown, Duration downFor, boolean offline) {
        HttpClient http = UpstreamClients.newHttpClient(executor, connectTimeout);
        for (T origin : origins) {
            byName.put(nameOf.apply(origin), factory.create(origin, http, firstByteTimeout,
                    UpstreamClients.newHealth(failuresToMarkDown, downFor, offline)));
        }
    }

    public static OriginClients<ChartRepositoryClient> chartRepositories(
            Collection<ChartRepository> repositories, Executor executor, Duration connectTimeout,
            Duration firstByteTimeout, int failuresToMarkDown, Duration downFor, boolean offline) {
        return new OriginClients<>(repositories, ChartRepository::name, ChartRepositoryClient::new, executor,
                connectTimeout, firstByteTimeout, failuresToMarkDown, downFor, offline);
    }

    public static OriginClients<FileRemoteClient> fileRemotes(
            Collection<FileRemote> remotes, Executor executor, Duration connectTimeout,
            Duration firstByteTimeout, int failuresToMarkDown, Duration downFor, boolean offline) {
        return new OriginClients<>(remotes, FileRemote::name, FileRemoteClient::new, executor,
                connectTimeout, firstByteTimeout, failuresToMarkDown, downFor, offline);
    }

    public Optional<C> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The configured names, as an unknown name's error lists them. */
    public String names() {
        return byName.keySet().stream().collect(Collectors.joining(", ", "[", "]"));
    }
}
