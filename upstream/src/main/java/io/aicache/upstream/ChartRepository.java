package io.aicache.upstream;

import java.net.URI;
import java.util.Optional;

/**
 * A classic Helm chart repository aicache mirrors: an {@code index.yaml} and chart archives over HTTP.
 *
 * @param name        the name clients use for it ({@code /helm/<name>/index.yaml})
 * @param url         the repository's base URL, under which {@code index.yaml} lives
 * @param credentials Basic credentials, sent only to the repository's own host
 */
public record ChartRepository(String name, URI url, Optional<Credentials> credentials) {

    public ChartRepository {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("a chart repository name is letters, digits, '.', '_' and '-', got '"
                    + name + "'");
        }
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("chart repository '" + name + "' needs an http:// or https:// url with a host, got '"
                    + url + "'");
        }
        String path = url.getPath() == null || url.getPath().isEmpty() ? "/" : url.getPath();
        url = URI.create(url.getScheme() + "://" + url.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
        credentials = credentials == null ? Optional.empty() : credentials;
    }

    /** {@code <url>/index.yaml}. */
    public URI indexUri() {
        return url.resolve("index.yaml");
    }

    /**
     * Where a chart the index lists at {@code link} lives: relative links resolve against the
     * repository's URL, absolute ones (another host) stand as they are.
     *
     * @throws IllegalArgumentException when {@code link} is not a URL
     */
    public URI chartUri(String link) {
        return url.resolve(link);
    }

    @Override
    public String toString() {
        return "ChartRepository[name=" + name + ", url=" + url + "]";
    }
}
