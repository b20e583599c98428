package io.aicache.proxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.RegistryHostPattern;
import io.aicache.upstream.StaticCredentials;
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
 */
public record UpstreamConfig(String defaultRegistry, Duration connectTimeout, Duration firstByteTimeout,
                             Duration idleTimeout, int markDownAfter, Duration markDownFor, boolean offline,
                             List<Registry> registries, List<String> allow, List<String> deny,
                             List<CacheRule> cacheRules) {

    public UpstreamConfig {
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

    /** The registries configured by name, in order. */
    public List<UpstreamRegistry> namedRegistries() {
        return registries.stream().filter(registry -> !registry.isPattern()).map(Registry::toUpstream).toList();
    }

    /** The registries configured by host pattern, in order: the first that matches a host serves it. */
    public List<RegistryHostPattern> hostPatterns() {
        return registries.stream().filter(Registry::isPattern)
                .map(registry -> new RegistryHostPattern(registry.name(), registry::toUpstream)).toList();
    }

    /** The tag TTL the registry clients call {@code name} sets (by its name, or its host pattern), or {@code null}. */
    public Duration tagTtlOf(String name) {
        for (Registry registry : registries) {
            if (registry.isPattern() ? new RegistryHostPattern(registry.name(), host -> null).matches(name)
                    : registry.name().equals(name)) {
                return registry.tagTtl();
            }
        }
        return null;
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
     * One mirrored registry.
     *
     * @param name          the name clients use for it, or a host pattern ({@code *.azurecr.io}) for every
     *                      registry it matches
     * @param endpoint      where aicache reaches it; {@code null}: {@code https://<name>} (for a pattern, the host)
     * @param libraryPrefix whether single-component names get {@code library/}
     * @param tagTtl        this registry's tag TTL in place of {@code manifests.tagTtl}, or {@code null}
     * @param caFile        PEM CA certificates trusted for this registry besides the JDK's, or {@code null}
     * @param credentials   where credentials come from when they are not {@code username} and {@code password},
     *                      or {@code null}
     */
    public record Registry(String name, URI endpoint, String username, String password, boolean libraryPrefix,
                           Duration tagTtl, Path caFile, CredentialsConfig credentials) {
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
            if (!pattern || endpoint != null) {
                toUpstream(name, endpointOf(name, endpoint), provider(name, username, password, null), libraryPrefix, caFile);
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
            return toUpstream(host, endpointOf(host, endpoint), provider(host, username, password, credentials),
                    libraryPrefix, caFile);
        }

        private static URI endpointOf(String host, URI endpoint) {
            return endpoint != null ? endpoint : URI.create("https://" + host);
        }

        private static Optional<CredentialProvider> provider(String name, String username, String password,
                                                             CredentialsConfig credentials) {
            if (credentials != null) {
                return Optional.of(credentials.provider(name));
            }
            return username == null ? Optional.empty()
                    : Optional.of(new StaticCredentials(new Credentials(username, password)));
        }

        private static UpstreamRegistry toUpstream(String name, URI endpoint, Optional<CredentialProvider> credentials,
                                                   boolean libraryPrefix, Path caFile) {
            return new UpstreamRegistry(name, endpoint, credentials, libraryPrefix, Optional.ofNullable(caFile));
        }

        @Override
        public String toString() {
            return "Registry[name=" + name + ", endpoint=" + endpoint + ", username=" + username
                    + (credentials == null ? "" : ", credentials=" + credentials.getClass().getSimpleName()) + "]";
        }
    }
}
