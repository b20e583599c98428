package io.aicache.upstream;

import java.util.List;
import java.util.Map;

/**
 * A read request to a registry's API.
 *
 * @param method     {@code GET} or {@code HEAD}
 * @param repository the repository as upstream names it; decides the token scope
 * @param apiPath    the path below the registry root, starting with {@code /v2/}
 * @param query      the raw query string without {@code ?}, or {@code null}
 * @param headers    headers to pass on ({@code Accept}, {@code Range})
 */
public record UpstreamRequest(String method, String repository, String apiPath, String query,
                              Map<String, List<String>> headers) {

    public UpstreamRequest {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw new IllegalArgumentException("only GET and HEAD go upstream, not " + method);
        }
        if (apiPath == null || !apiPath.startsWith("/v2/")) {
            throw new IllegalArgumentException("upstream API paths start with /v2/: " + apiPath);
        }
        headers = Map.copyOf(headers);
    }

    public static UpstreamRequest get(String repository, String apiPath, Map<String, List<String>> headers) {
        return new UpstreamRequest("GET", repository, apiPath, null, headers);
    }

    public static UpstreamRequest head(String repository, String apiPath, Map<String, List<String>> headers) {
        return new UpstreamRequest("HEAD", repository, apiPath, null, headers);
    }

    public UpstreamRequest withQuery(String newQuery) {
        return new UpstreamRequest(method, repository, apiPath, newQuery, headers);
    }
}
