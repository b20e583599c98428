package io.aicache.upstream;

import java.net.URI;

/**
 * One place a registry is reached at. A registry lists one or more, tried in order (see {@link RegistryClient}).
 *
 * @param url                 where requests go ({@code https://registry-1.docker.io}, {@code http://parent-cache:5000})
 * @param ns                  whether it is a mirror of many registries that takes containerd's {@code ns} parameter
 *                            (another aicache): requests to it carry {@code ?ns=<registry name>}, so it knows which
 *                            registry is meant
 * @param offeredCredentials  whether the registry's credentials are offered to it; a parent cache every registry
 *                            shares is asked anonymously, so no registry's secrets reach it
 */
public record UpstreamEndpoint(URI url, boolean ns, boolean offeredCredentials) {

    public UpstreamEndpoint {
        if (url == null || url.getHost() == null
                || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("an endpoint is an http:// or https:// URL with a host, not '" + url + "'");
        }
    }

    /** An endpoint the registry's credentials are offered to. */
    public UpstreamEndpoint(URI url, boolean ns) {
        this(url, ns, true);
    }

    /** The registry itself, or a mirror that needs no {@code ns}. */
    public static UpstreamEndpoint of(URI url) {
        return new UpstreamEndpoint(url, false);
    }

    /** A parent cache of every registry: takes {@code ns}, asked without the registry's credentials. */
    public static UpstreamEndpoint parent(URI url) {
        return new UpstreamEndpoint(url, true, false);
    }

    /** The URL as a metric label and in logs: configured, so a bounded set. */
    @Override
    public String toString() {
        return url.toString();
    }
}
