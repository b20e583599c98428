package io.aicache.proxy.admin;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.aicache.model.Tier;
import io.aicache.proxy.fill.FillProgress;
import io.aicache.proxy.fill.Fills;
import io.aicache.proxy.observe.StatsHistory;
import io.aicache.upstream.RateLimitBudget;
import io.aicache.upstream.RegistryClient;

/**
 * What is going on now, for the web console: fills under way, each registry's health and pull
 * budget, and the last hour of figures. Everything is read from memory; nothing touches the index.
 */
public final class LiveStatus {

    private final Fills fills;
    private final StatsHistory history;
    private final Supplier<Collection<RegistryClient>> upstreams;
    private final double rateLimitReserve;

    /** @param rateLimitReserve {@code upstream.rateLimit.reserve}: below that share of its limit a registry is spared */
    public LiveStatus(Fills fills, StatsHistory history, Supplier<Collection<RegistryClient>> upstreams,
                      double rateLimitReserve) {
        this.fills = fills;
        this.history = history;
        this.upstreams = upstreams;
        this.rateLimitReserve = rateLimitReserve;
    }

    List<FillProgress> fills() {
        return fills.inProgress();
    }

    /** The samples with how far apart they are taken and which tiers count as hits. */
    Map<String, Object> history() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("everySeconds", StatsHistory.EVERY.toSeconds());
        answer.put("localTiers", Stream.of(Tier.values()).filter(Tier::isLocal).map(Tier::label).toList());
        answer.put("samples", history.samples());
        return answer;
    }

    /**
     * A registry's health and pull budget.
     *
     * @param state       {@code up}, {@code down} (every endpoint marked down) or {@code unchecked} (not asked since start)
     * @param limit       the pulls its window allows, or null until it said
     * @param remaining   the pulls left in the window, or null until it said
     * @param tooManyRequests its 429 answers since start
     * @param spared      whether its budget is low, so kept tags it moved are served as kept
     */
    record UpstreamStatus(String registry, List<String> endpoints, String state, String credentials, Long limit,
                          Long remaining, String source, long tooManyRequests, boolean spared) {
    }

    List<UpstreamStatus> upstreams() {
        return upstreams.get().stream().map(client -> {
            RateLimitBudget budget = client.rateLimit();
            String state = !client.isChecked() ? "unchecked" : client.isDown() ? "down" : "up";
            return new UpstreamStatus(client.registry().name(),
                    client.registry().endpoints().stream().map(Object::toString).toList(), state,
                    client.credentialKind().orElse("anonymous"),
                    budget.limit().isPresent() ? budget.limit().getAsLong() : null,
                    budget.remaining().isPresent() ? budget.remaining().getAsLong() : null,
                    budget.source().orElse(null), budget.tooManyRequests(), budget.isLow(rateLimitReserve));
        }).toList();
    }
}
