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
 */
public record UpstreamConfig(String defaultRegistry, Duration connectTimeout, Duration firstByteTimeout,
                             Duration idleTimeout, int markDownAfter, Duration markDownFor, boolean offline,
                             List<Registry> registries, List<String> allow, List<String> deny) {

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
        if (!names.contains(defaultRegistry)) {
            throw new IllegalArgumentException("defaultRegistry '" + defaultRegistry + "' is not one of the registries " + names);
        }
        registries = List.copyOf(registries);
        allow = rules("allow", allow);
        deny = rules("deny", deny);
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
     * @param name          the name clients use for it
     * @param endpoint      where aicache reaches it
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
            if (credentials != null) {
                try {
                    credentials.check(name);
                } catch (UpstreamException e) {
                    throw new IllegalArgumentException("registry '" + name + "' credentials: " + e.getMessage());
                }
            }
            toUpstream(name, endpoint, provider(name, endpoint, username, password, null), libraryPrefix, caFile);
        }

        public UpstreamRegistry toUpstream() {
            return toUpstream(name, endpoint, provider(name, endpoint, username, password, credentials), libraryPrefix, caFile);
        }

        private static Optional<CredentialProvider> provider(String name, URI endpoint, String username, String password,
                                                             CredentialsConfig credentials) {
            if (credentials != null) {
                return Optional.of(credentials.provider(name, endpoint));
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
