package io.aicache.proxy.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@code upstream.cacheRules}: names clients use that stand for names elsewhere, as ECR's and
 * ACR's pull-through rules map a local prefix to an upstream registry and a prefix there
 * ({@code team/*} → {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/*}). Wildcards as in
 * {@link Glob}; each one in {@code to} takes what the same one in {@code from} matched.
 *
 * @param from the name as the client asks for it: the path after {@code /v2/}, prefixed with {@code ns/}
 *             when the client sends containerd's {@code ns}
 * @param to   the name it stands for: {@code registry/repository}, the registry one aicache mirrors
 */
public record CacheRule(String from, String to) {

    public CacheRule {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new IllegalArgumentException("a cache rule needs from and to, got from '" + from + "', to '" + to + "'");
        }
        if (Glob.wildcards(from) != Glob.wildcards(to)) {
            throw new IllegalArgumentException("cache rule from '" + from + "' to '" + to + "': to must have as many"
                    + " wildcards as from (" + Glob.wildcards(from) + "), each taking what the same one matched");
        }
    }

    /** The name {@code name} stands for, if this rule covers it. */
    public Optional<String> rewrite(String name) {
        return rewriter().rewrite(name);
    }

    /** This rule with its {@code from} compiled once, for rewriting on every request. */
    public Rewriter rewriter() {
        return new Rewriter(Glob.compile(from), to);
    }

    /** A rule ready to rewrite names: {@code from} compiled. */
    public static final class Rewriter {

        private final Pattern from;
        private final String to;

        private Rewriter(Pattern from, String to) {
            this.from = from;
            this.to = to;
        }

        /** The name {@code name} stands for, if the rule covers it. */
        public Optional<String> rewrite(String name) {
            Matcher matched = from.matcher(name);
            if (!matched.matches()) {
                return Optional.empty();
            }
            Matcher wildcards = WILDCARD.matcher(to);
            StringBuilder result = new StringBuilder();
            int group = 0;
            while (wildcards.find()) {
                wildcards.appendReplacement(result, Matcher.quoteReplacement(matched.group(++group)));
            }
            return Optional.of(wildcards.appendTail(result).toString());
        }
    }

    private static final Pattern WILDCARD = Pattern.compile("\\*\\*|\\*|\\?");
}
