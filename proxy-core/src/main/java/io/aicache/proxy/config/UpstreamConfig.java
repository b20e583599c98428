package io.aicache.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonCreator;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.RegistryHostPattern;
import io.aicache.upstream.StaticCredentials;
import io.aicache.upstream.UpstreamEndpoint;
import io.aicache.upstream.UpstreamException;
import io.aicache.upstream.UpstreamRegistry;

/**
 * The registries aicache mirrors and how it talks to them.
 *
 * @param defaultRegistry  the registry for requests that name none (Docker's registry-mirrors send no {@code ns})
 * @param connectTimeout   to open a connection
 * @param firstByteTimeout from sending a request to upstream's response headers
 * @param idleTimeout      a body that sends nothing for this long is dropped and its range tried again
 * @param markDownAfter    failures in a row after which an upstream is marked down
 * @param markDownFor      how long it stays down before one request probes it again
 * @param offline          never ask upstream: serve what is kept, answer misses with 503
 * @param allow            the names mirrored ({@code registry/repository[:tag]} rules, see {@link NameRule});
 *                         empty: every name
 * @param deny             names refused whatever {@code allow} says
 * @param cacheRules       names clients use that stand for names elsewhere, tried in order
 * @param rateLimit        how the registries' pull limits are spared
 * @param parent           another aicache every registry's misses go to first, or {@code null}
 */
public record UpstreamConfig(String defaultRegistry, Duration connectTimeout, Duration firstByteTimeout,
                             Duration idleTimeout, int markDownAfter, Duration markDownFor, boolean offline,
                             List<Registry> registries, List<String> allow, List<String> deny,
                             List<CacheRule> cacheRules, RateLimit rateLimit, Parent parent) {

    public UpstreamConfig {
        if (rateLimit == null) {
            throw new IllegalArgumentException("rateLimit must not be empty");
        }
        if (markDownAfter < 1) {
            throw new IllegalArgumentException("markDownAfter must be at least 1, got " + markDownAfter);
        }
        if (registries == null || registries.isEmpty()) {
            throw new IllegalArgumentException("at least one registry is required");
        }
        Set<String> names = new HashSet<>();
        for (Registry registry : registries) {
            if (!names.add(registry.name())) {
                throw new IllegalArgumentException("registry '" + registry.name() + "' is configured twice");
            }
        }
        if (!names.contains(defaultRegistry) || RegistryHostPattern.isPattern(defaultRegistry)) {
            throw new IllegalArgumentException("defaultRegistry '" + defaultRegistry + "' is not one of the registries "
                    + names.stream().filter(name -> !RegistryHostPattern.isPattern(name)).sorted().toList());
        }
        registries = List.copyOf(registries);
        allow = rules("allow", allow);
        deny = rules("deny", deny);
        cacheRules = cacheRules == null ? List.of() : List.copyOf(cacheRules);
    }

    /** The registries configured by name, in order, each behind the {@link #parent} when there is one. */
    public List<UpstreamRegistry> namedRegistries() {
        return registries.stream().filter(registry -> !registry.isPattern())
                .map(registry -> behindParent(registry.toUpstream())).toList();
    }

    /**
     * The registries configured by host pattern, in order: the first that matches a host serves it, behind the
     * {@link #parent} when there is one.
     */
    public List<RegistryHostPattern> hostPatterns() {
        return registries.stream().filter(Registry::isPattern)
                .map(registry -> new RegistryHostPattern(registry.name(), host -> behindParent(registry.toUpstream(host))))
                .toList();
    }

    private UpstreamRegistry behindParent(UpstreamRegistry registry) {
        return parent == null ? registry : parent.before(registry);
    }

    /**
     * The tag TTL each registry sets, by the name clients call it: a registry's own name first, then the
     * first host pattern that matches it, as {@link io.aicache.upstream.UpstreamClients} picks the
     * registry; {@code null} when it sets none. Built once: the lookup runs on every tag request.
     */
    public Function<String, Duration> tagTtls() {
        Map<String, Duration> named = new HashMap<>();
        Map<RegistryHostPattern, Duration> patterns = new LinkedHashMap<>();
        for (Registry registry : registries) {
            if (registry.isPattern()) {
                patterns.put(new RegistryHostPattern(registry.name(), host -> null), registry.tagTtl());
            } else {
                named.put(registry.name(), registry.tagTtl());
            }
        }
        return name -> {
            if (named.containsKey(name)) {
                return named.get(name);
            }
            for (Map.Entry<RegistryHostPattern, Duration> pattern : patterns.entrySet()) {
                if (pattern.getKey().matches(name)) {
                    return pattern.getValue();
                }
            }
            return null;
        };
    }

    private static List<String> rules(String key, List<String> rules) {
        if (rules == null) {
            return List.of();
        }
        for (String rule : rules) {
            try {
                NameRule.parse(rule);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
        }
        return List.copyOf(rules);
    }

    /**
     * How the registries' pull limits (Docker Hub's {@code ratelimit-remaining}) are spared.
     *
     * @param reserve the share of a registry's limit kept back: with fewer pulls left than this (or after a
     *                429, until its {@code Retry-After}), a kept tag past its TTL is served within
     *                {@code manifests.staleIfError} rather than fetched again
     */
    public record RateLimit(double reserve) {
        public RateLimit {
            if (!(reserve >= 0 && reserve < 1)) {
                throw new IllegalArgumentException("reserve is a share of the limit, at least 0 and below 1, not "
                        + reserve);
            }
        }
    }

    /**
     * Another aicache (a regional cache) that every registry's misses go to first: it is each registry's first
     * endpoint, asked with containerd's {@code ns} so one parent serves every registry, and without the
     * registry's credentials. When it refuses, times out or answers 5xx, the registry's own endpoints are next;
     * its answers are verified as any endpoint's.
     *
     * @param url    where the parent listens (http:// or https://)
     * @param caFile PEM CA certificates trusted for the parent's TLS besides the JDK's, or {@code null}
     */
    public record Parent(URI url, Path caFile) {
        public Parent {
            UpstreamEndpoint.parent(url);
        }

        /** {@code registry} with this parent first, unless it already lists the parent's URL itself. */
        UpstreamRegistry before(UpstreamRegistry registry) {
            if (registry.endpoints().stream().anyMatch(endpoint -> endpoint.url().equals(url))) {
                return registry;
            }
            List<UpstreamEndpoint> endpoints = new ArrayList<>(registry.endpoints().size() + 1);
            endpoints.add(UpstreamEndpoint.parent(url));
            endpoints.addAll(registry.endpoints());
            List<Path> caFiles = new ArrayList<>(registry.caFiles());
            if (caFile != null && !caFiles.contains(caFile)) {
                caFiles.add(caFile);
            }
            return new UpstreamRegistry(registry.name(), endpoints, registry.credentials(), registry.libraryPrefix(),
                    caFiles);
        }
    }

    /**
     * One mirrored registry.
     *
     * @param name          the name clients use for it, or a host pattern ({@code *.azurecr.io}) for every
     *                      registry it matches
     * @param endpoint      where aicache reaches it, when it is one place (or else {@code endpoints}): read into
     *                      {@code endpoints} as a list of one, and {@code null} after
     * @param endpoints     where aicache reaches it, tried in order: the first not marked down, then the next
     *                      when it cannot answer; {@code null} when neither is set: {@code https://<name>} (for a
     *                      pattern, the host)
     * @param libraryPrefix whether single-component names get {@code library/}
     * @param tagTtl        this registry's tag TTL in place of {@code manifests.tagTtl}, or {@code null}
     * @param caFile        PEM CA certificates trusted for this registry besides the JDK's, or {@code null}
     * @param credentials   where credentials come from when they are not {@code username} and {@code password},
     *                      or {@code null}
     */
    public record Registry(String name, URI endpoint, List<Endpoint> endpoints, String username, String password,
                           boolean libraryPrefix, Duration tagTtl, Path caFile, CredentialsConfig credentials) {
        public Registry {
            if (tagTtl != null && tagTtl.isNegative()) {
                throw new IllegalArgumentException("registry '" + name + "' has a negative tagTtl");
            }
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("registry '" + name + "' needs both username and password, or neither");
            }
            if (credentials != null && username != null) {
                throw new IllegalArgumentException("registry '" + name + "' has both username/password and credentials;"
                        + " keep one");
            }
            if (endpoint != null && endpoints != null && !endpoints.isEmpty()) {
                throw new IllegalArgumentException("registry '" + name + "' needs either endpoint or endpoints, not both");
            }
            endpoints = endpoint != null ? List.of(new Endpoint(endpoint, false))
                    : endpoints == null || endpoints.isEmpty() ? null : List.copyOf(endpoints);
            endpoint = null;
            boolean pattern = RegistryHostPattern.isPattern(name);
            if (pattern) {
                new RegistryHostPattern(name, host -> null);
            }
            if (credentials != null) {
                try {
                    credentials.check(pattern ? null : name);
                } catch (UpstreamException e) {
                    throw new IllegalArgumentException("registry '" + name + "' credentials: " + e.getMessage());
                }
            }
            if (!pattern || endpoints != null) {
                toUpstream(name, endpointsOf(name, endpoints), provider(name, null, username, password, null),
                        libraryPrefix, caFile);
            }
        }

        /** Whether {@link #name} is a host pattern rather than one registry. */
        public boolean isPattern() {
            return RegistryHostPattern.isPattern(name);
        }

        /** The registry configured by name. */
        public UpstreamRegistry toUpstream() {
            return toUpstream(name);
        }

        /** The registry clients call {@code host}: this one's name, or a host its pattern matches. */
        public UpstreamRegistry toUpstream(String host) {
            List<UpstreamEndpoint> reachedAt = endpointsOf(host, endpoints);
            URI registryItself = UpstreamRegistry.direct(reachedAt).url();
            return toUpstream(host, reachedAt, provider(host, registryItself, username, password, credentials),
                    libraryPrefix, caFile);
        }

        /**
         * Where the registry clients call {@code host} is reached: the configured endpoints, else
         * {@code https://<host>}. Builds no credentials, unlike {@link #toUpstream(String)}.
         */
        public List<UpstreamEndpoint> endpointsFor(String host) {
            return endpointsOf(host, endpoints);
        }

        private static List<UpstreamEndpoint> endpointsOf(String host, List<Endpoint> endpoints) {
            return endpoints != null ? endpoints.stream().map(Endpoint::toUpstream).toList()
                    : List.of(UpstreamEndpoint.of(URI.create("https://" + host)));
        }

        private static Optional<CredentialProvider> provider(String name, URI endpoint, String username, String password,
                                                             CredentialsConfig credentials) {
            if (credentials != null) {
                return Optional.of(credentials.provider(name, endpoint));
            }
            return username == null ? Optional.empty()
                    : Optional.of(new StaticCredentials(new Credentials(username, password)));
        }

        private static UpstreamRegistry toUpstream(String name, List<UpstreamEndpoint> endpoints,
                                                   Optional<CredentialProvider> credentials, boolean libraryPrefix,
                                                   Path caFile) {
            return new UpstreamRegistry(name, endpoints, credentials, libraryPrefix,
                    caFile == null ? List.of() : List.of(caFile));
        }

        @Override
        public String toString() {
            return "Registry[name=" + name + ", endpoints=" + endpoints + ", username=" + username
                    + (credentials == null ? "" : ", credentials=" + credentials.getClass().getSimpleName()) + "]";
        }
    }

    /**
     * One place a registry is reached at: a URL, or a mapping {@code {url, ns}}.
     *
     * @param url where requests go (http:// or https://)
     * @param ns  whether it is a mirror of many registries that takes containerd's {@code ns} parameter
     *            (another aicache): requests to it carry {@code ?ns=<registry name>}
     */
    public record Endpoint(URI url, boolean ns) {
        public Endpoint {
            // One rule for what an endpoint is: the upstream module's.
            new UpstreamEndpoint(url, ns);
        }

        /** A plain URL in the list: the registry itself, or a mirror that needs no {@code ns}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Endpoint of(String url) {
            try {
                return new Endpoint(new URI(url), false);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
            }
        }

        UpstreamEndpoint toUpstream() {
            return new UpstreamEndpoint(url, ns);
        }

        @Override
        public String toString() {
            return ns ? url + " (ns)" : url.toString();
        }
    }
}
