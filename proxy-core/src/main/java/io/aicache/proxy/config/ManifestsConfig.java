package io.aicache.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How manifests are kept.
 *
 * @param tagTtl               how long a tag is served without asking upstream again
 * @param tagTtls              TTLs for tags matching a pattern (first match wins), before {@code tagTtl}
 * @param staleWhileRevalidate past its TTL, a tag is served at once for this long while it is revalidated
 * @param staleIfError         past its TTL, a tag is served for this long when upstream cannot answer
 * @param maxBytes             the largest manifest accepted from upstream
 * @param notFoundTtl          how long upstream's "no such manifest" is answered without asking again (0s: always ask)
 */
public record ManifestsConfig(Duration tagTtl, List<TagTtl> tagTtls, Duration staleWhileRevalidate,
                              Duration staleIfError, DataSize maxBytes, Duration notFoundTtl) {

    public ManifestsConfig {
        if (tagTtl.isNegative() || staleWhileRevalidate.isNegative() || staleIfError.isNegative()
                || notFoundTtl.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (maxBytes.bytes() < 1024 || maxBytes.bytes() > 64L << 20) {
            throw new IllegalArgumentException("maxBytes must be between 1KiB and 64MiB, got " + maxBytes);
        }
        tagTtls = tagTtls == null ? List.of() : List.copyOf(tagTtls);
    }

    /**
     * The TTL of {@code tag}: the first matching pattern's, else the registry's own
     * ({@code registryTtl}, may be {@code null}), else {@code tagTtl}.
     */
    public Duration ttlOf(String tag, Duration registryTtl) {
        for (TagTtl rule : tagTtls) {
            if (rule.compiled().matches(tag)) {
                return rule.ttl();
            }
        }
        return registryTtl != null ? registryTtl : tagTtl;
    }

    /** @param pattern a regular expression the whole tag must match */
    public record TagTtl(String pattern, Duration ttl) {
        public TagTtl {
            check(pattern, ttl);
        }

        /** A TTL rule's pattern must be a regular expression, its TTL 0 or more (tags' and files' rules alike). */
        static void check(String pattern, Duration ttl) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException | NullPointerException e) {
                throw new IllegalArgumentException("pattern '" + pattern + "' is not a regular expression");
            }
            if (ttl == null || ttl.isNegative()) {
                throw new IllegalArgumentException("ttl of pattern '" + pattern + "' must be a duration of 0 or more");
            }
        }

        /** Patterns are matched on every tag request: each is compiled once. */
        private static final Map<String, PerThreadMatcher> COMPILED = new ConcurrentHashMap<>();

        PerThreadMatcher compiled() {
            return COMPILED.computeIfAbsent(pattern, text -> new PerThreadMatcher(Pattern.compile(text)));
        }
    }
}
