package io.aicache.proxy.oci;

import java.util.List;

import io.aicache.model.Digest;
import io.aicache.model.Repository;
import io.aicache.proxy.config.NameRule;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * Which names this cache mirrors ({@code upstream.allow} and {@code upstream.deny}), checked before
 * the cache or upstream is asked, so a refused name costs upstream nothing. A rule without a tag
 * covers every tag and digest of the repositories it names; a deny rule with a tag refuses those
 * tags only; an allow rule with a tag lets through those tags and every request by digest. Deny
 * wins; with allow rules, a name none of them covers is refused.
 */
public final class NameRules {

    private final List<NameRule> allow;
    private final List<NameRule> deny;

    public NameRules(List<String> allow, List<String> deny) {
        this.allow = allow.stream().map(NameRule::parse).toList();
        this.deny = deny.stream().map(NameRule::parse).toList();
    }

    /**
     * Refuses a request for {@code repository} with {@code DENIED} when the rules do.
     *
     * @param reference the tag or digest asked for, or {@code null} for the repository as a whole (tag lists)
     */
    void check(Repository repository, String reference) {
        if (allow.isEmpty() && deny.isEmpty()) {
            return;
        }
        String tag = reference == null || Digest.looksLikeDigest(reference) ? null : reference;
        String name = repository.toString();
        for (NameRule rule : deny) {
            if (rule.coversRepository(name) && (!rule.hasTag() || tag != null && rule.coversTag(tag))) {
                throw new RegistryException(ErrorCode.DENIED, describe(name, tag) + " is refused by upstream.deny rule '"
                        + rule + "'");
            }
        }
        if (allow.isEmpty()) {
            return;
        }
        for (NameRule rule : allow) {
            if (rule.coversRepository(name) && (tag == null || rule.coversTag(tag))) {
                return;
            }
        }
        throw new RegistryException(ErrorCode.DENIED, describe(name, tag) + " is not covered by any upstream.allow rule");
    }

    private static String describe(String name, String tag) {
        return tag == null ? name : name + ":" + tag;
    }
}
