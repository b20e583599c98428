package io.aicache.upstream;

import java.net.URI;
import java.util.Locale;

/** Where a connection goes: scheme, host and port, as a key for pooled connections. */
record Origin(boolean tls, String host, int port) {

    static Origin of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("upstream URLs are http or https, not " + uri);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("upstream URL without a host: " + uri);
        }
        boolean tls = scheme.equals("https");
        // An IPv6 literal comes bracketed from URI; sockets want it bare.
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new Origin(tls, bare, uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80);
    }

    /** The {@code Host} header's value: the port only when it is not the scheme's own. */
    String hostHeader() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? name : name + ":" + port;
    }
}
