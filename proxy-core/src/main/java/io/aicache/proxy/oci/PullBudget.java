package io.aicache.proxy.oci;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.upstream.RateLimitBudget;

/**
 * Whether a registry's pull limit is low enough that a kept tag upstream moved should be served as kept
 * rather than fetched: fewer pulls left than {@code upstream.rateLimit.reserve} of the limit, or a 429's
 * {@code Retry-After} not yet passed. The log says when a registry's budget goes low and when it
 * recovers, once each time rather than with every request.
 */
final class PullBudget {

    private static final Logger LOG = LoggerFactory.getLogger(PullBudget.class);

    private final double reserve;
    /** Each registry's verdict when last asked, so only a change is logged. */
    private final Map<String, Boolean> lowByRegistry = new ConcurrentHashMap<>();

    /** @param reserve the share of a limit kept back, at least 0 and below 1 */
    PullBudget(double reserve) {
        this.reserve = reserve;
    }

    /** Whether {@code target}'s registry should be spared a manifest GET now. */
    boolean isLow(Target target) {
        RateLimitBudget budget = target.client().rateLimit();
        boolean low = budget.isLow(reserve);
        Boolean before = lowByRegistry.put(target.registryName(), low);
        if (before == null ? low : before != low) {
            if (low) {
                LOG.warn("registry {}: rate-limit budget low ({}; reserve {}% of the limit): kept tags upstream moved"
                        + " are served as kept within manifests.staleIfError instead of fetched", target.registryName(),
                        budget.describe(), Math.round(reserve * 100));
            } else {
                LOG.info("registry {}: rate-limit budget recovered ({}): moved tags are fetched again",
                        target.registryName(), budget.describe());
            }
        }
        return low;
    }
}
