package io.aicache.upstream;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * GETs files of one {@link FileRemote}. Redirects are followed (GitHub sends release assets to a
 * storage host); the remote's token goes only to the remote's own origin.
 */
public final class FileRemoteClient {

    private final FileRemote remote;
    private final OriginBoundGets gets;

    FileRemoteClient(FileRemote remote, HttpClient http, Duration firstByteTimeout, UpstreamHealth health) {
        this.remote = remote;
        Optional<String> authorization = remote.token().map(token -> "Bearer " + token);
        this.gets = new OriginBoundGets(remote.name(), remote.url(), http, firstByteTimeout, health, () -> authorization);
    }

    public FileRemote remote() {
        return remote;
    }

    public boolean isDown() {
        return gets.isDown();
    }

    /**
     * The file at {@code rawPath} below the remote's URL, asked for with {@code validators}
     * ({@code If-None-Match}, {@code If-Modified-Since}); a 2xx body is read whole up to the remote's
     * size limit (more fails with a {@link BodyTooLargeException}), other answers carry none.
     */
    public CompletableFuture<UpstreamResponse<byte[]>> file(String rawPath, Map<String, String> validators) {
        return gets.get(remote.uriOf(rawPath), validators, OriginBoundGets.wholeBody(remote.maxBytes()));
    }
}
