package io.aicache.upstream;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.aicache.model.Digest;
import io.aicache.model.MediaTypes;
import io.aicache.model.Repository;

/**
 * A read request to a registry's API, built from the registry-shaped calls of {@link RegistryClient}:
 * the one place that knows the distribution API's paths.
 *
 * @param method     {@code GET} or {@code HEAD}
 * @param repository the repository as upstream names it; decides the token scope
 * @param apiPath    the path below the registry root, starting with {@code /v2/}
 * @param query      the raw query string without {@code ?}, or {@code null}
 * @param headers    headers to pass on ({@code Accept}, {@code Range})
 */
record UpstreamRequest(String method, Repository repository, String apiPath, String query,
                       Map<String, List<String>> headers) {

    UpstreamRequest {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw new IllegalArgumentException("only GET and HEAD go upstream, not " + method);
        }
        headers = Map.copyOf(headers);
    }

    static UpstreamRequest blob(String method, Repository repository, Digest digest, Map<String, List<String>> headers) {
        return new UpstreamRequest(method, repository, "/v2/" + repository.name() + "/blobs/" + digest, null, headers);
    }

    /** @param accepted the media types the client takes; none means every manifest type */
    static UpstreamRequest manifest(String method, Repository repository, String reference, List<String> accepted) {
        return new UpstreamRequest(method, repository, "/v2/" + repository.name() + "/manifests/" + reference, null,
                Map.of("Accept", List.of(String.join(", ", accepted.isEmpty() ? MediaTypes.ALL_MANIFESTS : accepted))));
    }

    /** @param parameters the client's parameters; the paging ones ({@code n}, {@code last}) are passed on */
    static UpstreamRequest tags(Repository repository, Map<String, List<String>> parameters) {
        return new UpstreamRequest("GET", repository, "/v2/" + repository.name() + "/tags/list",
                query(parameters, "n", "last"), Map.of("Accept", List.of("application/json")));
    }

    /** @param artifactTypes the {@code artifactType} filters, none for every referrer */
    static UpstreamRequest referrers(Repository repository, Digest digest, List<String> artifactTypes) {
        return new UpstreamRequest("GET", repository, "/v2/" + repository.name() + "/referrers/" + digest,
                query(Map.of("artifactType", artifactTypes), "artifactType"), Map.of());
    }

    /**
     * Where this request goes at {@code endpoint}. A mirror that takes {@code ns} gets
     * {@code ns=<registry>} after the request's own parameters, so a cache in front of another finds the
     * registry meant.
     */
    URI uriAt(UpstreamEndpoint endpoint, String registry) {
        String base = endpoint.url().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String ns = endpoint.ns() ? "ns=" + URLEncoder.encode(registry, StandardCharsets.UTF_8) : null;
        String fullQuery = query == null ? ns : ns == null ? query : query + "&" + ns;
        return URI.create(base + apiPath + (fullQuery == null ? "" : "?" + fullQuery));
    }

    /** The token scope this request needs. */
    String scope() {
        return "repository:" + repository.name() + ":pull";
    }

    /** The query string of the named parameters, re-encoded; {@code null} when none has a value. */
    private static String query(Map<String, List<String>> parameters, String... names) {
        StringJoiner query = new StringJoiner("&");
        for (String name : names) {
            for (String value : parameters.getOrDefault(name, List.of())) {
                query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return query.length() == 0 ? null : query.toString();
    }
}
