package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One {@link FileRemoteClient} per configured file remote, sharing one HTTP client, with the same
 * timeouts and mark-down rules as the registries' clients.
 */
public final class FileRemotes {

    private final Map<String, FileRemoteClient> byName = new LinkedHashMap<>();

    public FileRemotes(Collection<FileRemote> remotes, Executor executor, Duration connectTimeout,
                       Duration firstByteTimeout, int failuresToMarkDown, Duration downFor, boolean offline) {
        HttpClient http = UpstreamClients.newHttpClient(executor, connectTimeout);
        for (FileRemote remote : remotes) {
            byName.put(remote.name(), new FileRemoteClient(remote, http, firstByteTimeout,
                    UpstreamClients.newHealth(failuresToMarkDown, downFor, offline)));
        }
    }

    public Collection<FileRemoteClient> all() {
        return byName.values();
    }

    public Optional<FileRemoteClient> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
