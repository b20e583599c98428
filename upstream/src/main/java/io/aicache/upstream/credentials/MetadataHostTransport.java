package io.aicache.upstream.credentials;

import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;

/**
 * The SDK's own JDK transport, with every request it makes sent to one metadata server in place of
 * {@code metadata.google.internal}: what the SDK's {@code GCE_METADATA_HOST} does, from configuration.
 * The SDK still builds the requests (path, {@code Metadata-Flavor: Google}) and reads the answers.
 */
final class MetadataHostTransport implements HttpTransportFactory {

    private final HttpTransport transport;

    /** @param host {@code host} or {@code host:port} */
    MetadataHostTransport(String host) {
        URI server = URI.create("http://" + host + "/");
        // The metadata server is local to the machine: never reached through a proxy.
        transport = new NetHttpTransport.Builder()
                .setConnectionFactory(url -> (HttpURLConnection) server.resolve(url.getFile()).toURL().openConnection(Proxy.NO_PROXY))
                .build();
    }

    @Override
    public HttpTransport create() {
        return transport;
    }
}
