package io.aicache.proxy.connect;

import java.util.function.Consumer;

import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RequestRecord;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.server.ExchangeHandler;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The requests a client sends to one intercepted host: the registry API of a configured
 * registry is served from the cache, like a mirror request for that registry; anything else
 * (token endpoints, a host that is no configured registry) is passed on to the host itself.
 */
@ChannelHandler.Sharable
final class InterceptedRequests extends ExchangeHandler {

    private final ConnectTarget target;
    private final String registry;
    private final OciApi oci;
    private final Passthrough passthrough;

    /** @param registry the configured registry the host is, or {@code null} */
    InterceptedRequests(ConnectTarget target, String registry, OciApi oci, Passthrough passthrough,
                        Consumer<RequestRecord> observer) {
        super(observer);
        this.target = target;
        this.registry = registry;
        this.oci = oci;
        this.passthrough = passthrough;
    }

    @Override
    protected void dispatch(Exchange exchange, FullHttpRequest request) {
        if (registry != null && isRegistryApi(request.uri())) {
            oci.handleFor(registry, exchange, request);
        } else {
            passthrough.forward(exchange, request, target, registry);
        }
    }
}
