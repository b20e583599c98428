package io.aicache.proxy.connect;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses the proxy may connect to. Unless allowed, it refuses every address inside
 * the network it sits in or on the machine itself: loopback, unspecified, link-local,
 * private (RFC 1918, IPv6 unique-local), carrier-grade NAT and multicast. Otherwise a client
 * could reach, through the proxy, services that trust their network.
 */
final class AddressPolicy {

    private final boolean allowPrivate;

    AddressPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    boolean allows(InetAddress address) {
        return allowPrivate || !isInternal(address);
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            // 100.64.0.0/10, shared by carrier-grade NAT and many cloud-internal networks.
            return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
        }
        // fc00::/7, IPv6 unique-local. (The JDK turns IPv4-mapped IPv6 addresses into IPv4 ones.)
        return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
    }
}
