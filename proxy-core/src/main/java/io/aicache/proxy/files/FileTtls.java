package io.aicache.proxy.files;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.aicache.proxy.config.FilesConfig;
import io.aicache.proxy.config.PerThreadMatcher;

/**
 * How long a kept file is served before upstream is asked again, by its path: the first
 * {@code files.ttls} rule with a pattern matching one whole segment of the path gives it (a
 * branch name: short; a version or a commit: long), else {@code files.ttl}.
 */
final class FileTtls {

    private static final int PATHS_IN_MEMORY = 20_000;

    private record Rule(PerThreadMatcher segment, Duration ttl) {
    }

    private final List<Rule> rules;
    private final Duration fallback;
    /** Every hit asks: the rules are matched once per path while it is asked for. */
    private final Cache<String, Duration> byPath = Caffeine.newBuilder().maximumSize(PATHS_IN_MEMORY).build();

    FileTtls(List<FilesConfig.PathTtl> rules, Duration fallback) {
        this.rules = rules.stream().map(rule -> new Rule(new PerThreadMatcher(Pattern.compile(rule.pattern())), rule.ttl()))
                .toList();
        this.fallback = fallback;
    }

    Duration ttlOf(String path) {
        return byPath.get(path, this::matching);
    }

    private Duration matching(String path) {
        for (Rule rule : rules) {
            int start = 0;
            while (start <= path.length()) {
                int end = path.indexOf('/', start);
                if (end < 0) {
                    end = path.length();
                }
                if (rule.segment().matches(path.subSequence(start, end))) {
                    return rule.ttl();
                }
                start = end + 1;
            }
        }
        return fallback;
    }
}
