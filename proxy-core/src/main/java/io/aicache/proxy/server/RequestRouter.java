package io.aicache.proxy.server;

import java.util.function.Consumer;

import io.aicache.proxy.access.AccessControl;
import io.aicache.proxy.admin.AdminApi;
import io.aicache.proxy.console.WebConsole;
import io.aicache.proxy.files.FilesApi;
import io.aicache.proxy.helm.HelmApi;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.RequestRecord;
import io.aicache.proxy.observe.OpsEndpoints;
import io.aicache.proxy.oci.OciApi;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Sends each request to the API it addresses: {@code /v2/...} to the OCI Distribution API,
 * {@code /helm/...} to the chart repositories, {@code /files/...} to files by URL, {@code /metrics},
 * {@code /healthz} and {@code /readyz} to the operations endpoints, {@code /admin/...} to the admin API,
 * {@code /ui/...} to the web console, and {@code /token} to the token service of access control.
 */
@ChannelHandler.Sharable
public final class RequestRouter extends ExchangeHandler {

    private final OciApi oci;
    private final HelmApi helm;
    private final FilesApi files;
    private final OpsEndpoints ops;
    private final AdminApi admin;
    private final AccessControl access;
    private final WebConsole console;

    public RequestRouter(OciApi oci, HelmApi helm, FilesApi files, OpsEndpoints ops, AdminApi admin,
                         AccessControl access, WebConsole console, Consumer<RequestRecord> observer) {
        super(observer);
        this.oci = oci;
        this.helm = helm;
        this.files = files;
        this.ops = ops;
        this.admin = admin;
        this.access = access;
        this.console = console;
    }

    @Override
    protected void dispatch(Exchange exchange, FullHttpRequest request) {
        if (isRegistryApi(request.uri())) {
            oci.handle(exchange, request);
        } else if (exchange.requestPath().startsWith(HelmApi.PREFIX)) {
            helm.handle(exchange, request);
        } else if (exchange.requestPath().startsWith(FilesApi.PREFIX)) {
            files.handle(exchange, request);
        } else if (!ops.handle(exchange, request) && !admin.handle(exchange, request)
                && !console.handle(exchange, request) && !access.handle(exchange, request)) {
            throw new RegistryException(ErrorCode.ROUTE_UNKNOWN,
                    "no endpoint at " + exchange.requestPath() + "; the registry API is under /v2/");
        }
    }
}
