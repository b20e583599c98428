package io.aicache.upstream;

import java.net.URI;
import java.util.Optional;

/**
 * An origin aicache serves files from at {@code /files/<name>/<path>}: {@code <url><path>} upstream.
 *
 * @param name     the name clients use for it
 * @param url      the base URL paths are resolved under (normalised to end with {@code /})
 * @param token    a bearer token sent only to the remote's own origin (a GitHub token raises its rate limit)
 * @param maxBytes the largest body accepted from it
 */
public record FileRemote(String name, URI url, Optional<String> token, long maxBytes) {

    public FileRemote {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("a file remote name is letters, digits, '.', '_' and '-', got '" + name + "'");
        }
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("file remote '" + name
                    + "' needs an http:// or https:// url with a host and no query, got '" + url + "'");
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        url = URI.create(url.getScheme() + "://" + url.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
        token = token == null ? Optional.empty() : token.filter(value -> !value.isEmpty());
        if (maxBytes < 1) {
            throw new IllegalArgumentException("file remote '" + name + "' needs a size limit of at least 1 byte");
        }
    }

    /** {@code <url><rawPath>}: the path as the client sent it, percent-encoding and all. */
    public URI uriOf(String rawPath) {
        return URI.create(url + rawPath);
    }

    @Override
    public String toString() {
        return "FileRemote[name=" + name + ", url=" + url + (token.isPresent() ? ", token=(set)" : "") + "]";
    }
}
