package io.aicache.proxy.files;

import java.time.Clock;
import java.util.concurrent.Executor;

import io.aicache.proxy.config.FilesConfig;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;
import io.aicache.storage.FileRecords.FileUrl;
import io.aicache.upstream.FileRemoteClient;
import io.aicache.upstream.OriginClients;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Files by URL under {@code /files/<remote>/<path>}: checks the method, the path (from the raw
 * URI: {@link FileRequestPath}) and the remote's name, and hands the request to {@link FileService}.
 */
public final class FilesApi {

    public static final String PREFIX = FileRequestPath.PREFIX;

    private final OriginClients<FileRemoteClient> remotes;
    private final FileService files;

    public FilesApi(OriginClients<FileRemoteClient> remotes, BlobStore store, Executor storageExecutor, FilesConfig config, Metrics metrics) {
        this.remotes = remotes;
        this.files = new FileService(store, storageExecutor, new FileTtls(config.ttls(), config.ttl()),
                config.staleIfError(), Clock.systemUTC(), metrics);
    }

    /** Answers one {@code /files/...} request; throws {@link RegistryException} for refusals. */
    public void handle(Exchange exchange, FullHttpRequest request) {
        exchange.route("file");
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "aicache is a read-only mirror: "
                    + request.method() + " " + exchange.requestPath() + " is not supported");
        }
        FileRequestPath path = FileRequestPath.parse(request.uri());
        FileRemoteClient client = remotes.byName(path.remote()).orElseThrow(() -> new RegistryException(
                ErrorCode.NAME_UNKNOWN, "no file remote named '" + path.remote() + "' is configured (files.remotes); configured: "
                + remotes.names()));
        exchange.describe("file", path.remote(), path.rawPath(), null);
        files.serve(exchange, client, new FileUrl(path.remote(), path.rawPath()));
    }
}
