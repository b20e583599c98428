package io.aicache.proxy.oci;

import java.util.List;
import java.util.Optional;

import io.aicache.proxy.config.CacheRule;

/** {@code upstream.cacheRules}, tried in order: the first that covers a name rewrites it. */
public final class CacheRules {

    private static final CacheRules NONE = new CacheRules(List.of());

    private final List<CacheRule.Rewriter> rules;

    public CacheRules(List<CacheRule> rules) {
        this.rules = rules.stream().map(CacheRule::rewriter).toList();
    }

    public static CacheRules none() {
        return NONE;
    }

    /**
     * The name a client's request stands for, if a rule covers it.
     *
     * @param namespace containerd's {@code ns}, or null
     */
    Optional<String> rewrite(String pathName, String namespace) {
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        String asked = namespace == null ? pathName : namespace + "/" + pathName;
        for (CacheRule.Rewriter rule : rules) {
            Optional<String> rewritten = rule.rewrite(asked);
            if (rewritten.isPresent()) {
                return rewritten;
            }
        }
        return Optional.empty();
    }
}
