package io.aicache.proxy.connect;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a CONNECT request asks to go: {@code host:port}, the host a name, an IPv4 address or
 * a bracketed IPv6 address, lower-cased.
 */
record ConnectTarget(String host, int port) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

    /** The target of {@code CONNECT authority}; throws {@link IllegalArgumentException} with a reason for anything else. */
    static ConnectTarget parse(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || colon == authority.length() - 1) {
            throw new IllegalArgumentException("CONNECT needs host:port, got '" + authority + "'");
        }
        String host = authority.substring(0, colon).toLowerCase(Locale.ROOT);
        int port;
        try {
            port = Integer.parseInt(authority.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CONNECT needs a numeric port, got '" + authority + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("CONNECT port must be 1 to 65535, got " + port);
        }
        if (host.startsWith("[") && host.endsWith("]") && IPV6.matcher(host.substring(1, host.length() - 1)).matches()) {
            host = host.substring(1, host.length() - 1);
        } else if (host.length() > 253 || !NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("CONNECT host '" + host + "' is not a host name or address");
        }
        return new ConnectTarget(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
