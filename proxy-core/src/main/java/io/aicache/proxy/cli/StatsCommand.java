package io.aicache.proxy.cli;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.aicache.model.Tier;

/** {@code aicache stats}: a running aicache's figures at a glance. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show storage use against the budget, hits by tier, bytes served and fetched, fills under way.")
final class StatsCommand extends AdminCommand {

    @Option(names = "--json", description = "Print every counter and gauge as JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
        JsonNode stats = client.get("admin/stats");
        if (json) {
            out().println(stats.toPrettyString());
            return 0;
        }
        long used = stats.path("aicache_storage_used_bytes").asLong();
        long budget = stats.path("aicache_storage_budget_bytes").asLong();
        out().println("storage      " + size(used) + " kept" + (budget > 0
                ? String.format(Locale.ROOT, " of %s (%.0f%%)", size(budget), 100.0 * used / budget) : " (no budget)")
                + ", " + size(stats.path("aicache_storage_reserved_bytes").asLong()) + " reserved by fills, "
                + stats.path("aicache_storage_evictions").asLong() + " evicted since start");
        out().println("hot tier     " + size(stats.path("aicache_hot_tier_bytes").asLong()) + ", "
                + stats.path("aicache_hot_tier_hits").asLong() + " hits, " + stats.path("aicache_hot_tier_misses").asLong()
                + " misses");
        Map<String, Double> byTier = sumBy(stats.path("aicache_cache_answers"), "tier");
        double answers = byTier.values().stream().mapToDouble(Double::doubleValue).sum();
        double local = Stream.of(Tier.values()).filter(Tier::isLocal)
                .mapToDouble(tier -> byTier.getOrDefault(tier.label(), 0.0)).sum();
        out().println("answers      " + (long) answers + " by tier " + counts(byTier) + (answers > 0
                ? String.format(Locale.ROOT, ", %.1f%% without a new upstream transfer", 100 * local / answers) : ""));
        out().println("requests     " + (long) sumBy(stats.path("aicache_requests"), "route").values().stream()
                .mapToDouble(Double::doubleValue).sum() + " by status " + counts(sumBy(stats.path("aicache_requests"), "status")));
        out().println("served       " + size((long) total(stats.path("aicache_served_bytes"))) + " to clients");
        out().println("upstream     " + size((long) total(stats.path("aicache_upstream_bytes"))) + " fetched, by registry "
                + sizes(sumBy(stats.path("aicache_upstream_bytes"), "registry")));
        out().println("fills        " + stats.path("aicache_fills_active").asLong() + " under way");
        out().println("rate limits  " + rateLimits(stats));
        return 0;
    }

    /**
     * Each registry's pull limit as it last announced it, and its 429 answers: {@code docker.io 76 of 100 left,
     * 0 answered 429}; registries that announced nothing and answered no 429 are left out.
     */
    private static String rateLimits(JsonNode stats) {
        Map<String, Double> limits = sumBy(stats.path("aicache_upstream_ratelimit_limit"), "registry");
        Map<String, Double> remaining = sumBy(stats.path("aicache_upstream_ratelimit_remaining"), "registry");
        Map<String, Double> refused = sumBy(stats.path("aicache_upstream_ratelimited"), "registry");
        Map<String, Double> spared = sumBy(stats.path("aicache_manifests_budget_stale"), "registry");
        StringBuilder text = new StringBuilder();
        for (String registry : refused.keySet()) {
            boolean announced = limits.containsKey(registry) && remaining.containsKey(registry);
            long tooMany = refused.getOrDefault(registry, 0.0).longValue();
            if (!announced && tooMany == 0) {
                continue;
            }
            text.append(text.length() > 0 ? "; " : "").append(registry).append(' ')
                    .append(announced ? remaining.get(registry).longValue() + " of " + limits.get(registry).longValue()
                            + " left" : "no limit announced")
                    .append(", ").append(tooMany).append(" answered 429, ")
                    .append(spared.getOrDefault(registry, 0.0).longValue()).append(" tags served as kept to spare it");
        }
        return text.length() > 0 ? text.toString() : "none announced";
    }

    /** Sums a tagged meter's values ({@code route=blob,tier=disk -> n}) by one tag. */
    private static Map<String, Double> sumBy(JsonNode meter, String tag) {
        Map<String, Double> sums = new TreeMap<>();
        meter.fields().forEachRemaining(entry -> {
            for (String pair : entry.getKey().split(",")) {
                if (pair.startsWith(tag + "=")) {
                    sums.merge(pair.substring(tag.length() + 1), entry.getValue().asDouble(), Double::sum);
                }
            }
        });
        return sums;
    }

    private static double total(JsonNode meter) {
        if (meter.isNumber()) {
            return meter.asDouble();
        }
        double sum = 0;
        for (JsonNode value : meter) {
            sum += value.asDouble();
        }
        return sum;
    }

    private static String counts(Map<String, Double> values) {
        StringBuilder text = new StringBuilder("(");
        values.forEach((key, value) -> text.append(text.length() > 1 ? ", " : "").append(key).append(' ').append(value.longValue()));
        return text.append(')').toString();
    }

    private static String sizes(Map<String, Double> values) {
        StringBuilder text = new StringBuilder("(");
        values.forEach((key, value) -> text.append(text.length() > 1 ? ", " : "").append(key).append(' ').append(size(value.longValue())));
        return text.append(')').toString();
    }
}
