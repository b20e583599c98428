package io.aicache.proxy.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.aicache.model.Tier;
import io.aicache.proxy.http.RequestRecord;
import io.aicache.upstream.RateLimitBudget;
import io.aicache.upstream.UpstreamEndpoint;
import io.aicache.upstream.UpstreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Every metric aicache publishes, by name, in one place; scraped as Prometheus text at
 * {@code /metrics}. Tag values are bounded sets (routes, statuses, registries, tiers), never
 * repositories or digests.
 */
public final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Every request updates these: looked up by their tag values rather than built anew (a
    // builder, an id and a registry lookup per meter per request).
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<String, Counter> servedBytes = new ConcurrentHashMap<>();
    /** By registry and endpoint, and by registry and the two endpoints of a failover: bounded by configuration. */
    private final Map<List<String>, Counter> endpointCounters = new ConcurrentHashMap<>();
    /** Files by URL, by remote and outcome: bounded by configuration; every file request counts one. */
    private final Map<List<String>, Counter> fileAnswers = new ConcurrentHashMap<>();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        ByteBufAllocatorMetric netty = PooledByteBufAllocator.DEFAULT.metric();
        Gauge.builder("netty_allocator_used_bytes", netty, ByteBufAllocatorMetric::usedDirectMemory)
                .tag("memory", "direct").register(registry);
        Gauge.builder("netty_allocator_used_bytes", netty, ByteBufAllocatorMetric::usedHeapMemory)
                .tag("memory", "heap").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public void request(RequestRecord request) {
        RouteMeters route = routes.computeIfAbsent(request.route(), RouteMeters::new);
        route.statuses.computeIfAbsent(request.status(), status -> Counter.builder("aicache_requests")
                .description("Requests answered, by route and status")
                .tag("route", route.name).tag("status", String.valueOf(status)).register(registry)).increment();
        route.duration.record(request.durationNanos(), TimeUnit.NANOSECONDS);
        if (request.tier() != null) {
            route.tiers.computeIfAbsent(request.tier(), tier -> Counter.builder("aicache_cache_answers")
                    .description("Content answers by where they came from")
                    .tag("route", route.name).tag("tier", tier.label()).register(registry)).increment();
        }
        if (request.registry() != null && request.bytes() > 0) {
            servedBytes.computeIfAbsent(request.registry(), registryName -> Counter.builder("aicache_served_bytes")
                    .description("Body bytes sent to clients").baseUnit("bytes")
                    .tag("registry", registryName).register(registry)).increment(request.bytes());
        }
    }

    /** One route's per-request meters, found by plain map lookups (no key built per request). */
    private final class RouteMeters {
        private final String name;
        private final Timer duration;
        private final Map<Integer, Counter> statuses = new ConcurrentHashMap<>();
        private final Map<Tier, Counter> tiers = new ConcurrentHashMap<>();

        RouteMeters(String name) {
            this.name = name;
            this.duration = Timer.builder("aicache_request_duration").description("Time to answer a request in full")
                    .tag("route", name).publishPercentileHistogram().register(registry);
        }
    }

    /** Counts body bytes received from {@code upstream}; keep it, it is incremented per body part. */
    public Counter upstreamBytes(String upstream) {
        return Counter.builder("aicache_upstream_bytes").description("Body bytes received from upstream")
                .baseUnit("bytes").tag("registry", upstream).register(registry);
    }

    /**
     * What the registries and their endpoints do: each registry's pull limit (from when its client is
     * made), which endpoint answered each request, and which requests moved on from one that could not
     * answer to the next.
     */
    public UpstreamObserver upstreamEndpoints() {
        return new UpstreamObserver() {
            @Override
            public void added(String upstream, RateLimitBudget budget) {
                upstreamRateLimit(upstream, budget);
            }

            @Override
            public void served(String upstream, UpstreamEndpoint endpoint) {
                endpointCounters.computeIfAbsent(List.of("served", upstream, endpoint.toString()), key ->
                        Counter.builder("aicache_upstream_endpoint_requests")
                                .description("Upstream requests answered, by the registry endpoint that answered")
                                .tag("registry", upstream).tag("endpoint", endpoint.toString()).register(registry))
                        .increment();
            }

            @Override
            public void failedOver(String upstream, UpstreamEndpoint from, UpstreamEndpoint to) {
                endpointCounters.computeIfAbsent(List.of("failover", upstream, from.toString(), to.toString()), key ->
                        Counter.builder("aicache_upstream_failovers")
                                .description("Upstream requests passed from an endpoint that could not answer to the next")
                                .tag("registry", upstream).tag("from", from.toString()).tag("to", to.toString())
                                .register(registry))
                        .increment();
            }
        };
    }

    /**
     * Publishes what {@code upstream} says of its pull limit: the limit and what is left of it (absent
     * until it says), and its 429 answers.
     */
    private void upstreamRateLimit(String upstream, RateLimitBudget budget) {
        Gauge.builder("aicache_upstream_ratelimit_limit", budget, b -> orNaN(b.limit()))
                .description("Pulls the registry's rate-limit window allows (ratelimit-limit)")
                .tag("registry", upstream).register(registry);
        Gauge.builder("aicache_upstream_ratelimit_remaining", budget, b -> orNaN(b.remaining()))
                .description("Pulls left in the registry's rate-limit window (ratelimit-remaining)")
                .tag("registry", upstream).register(registry);
        FunctionCounter.builder("aicache_upstream_ratelimited", budget, RateLimitBudget::tooManyRequests)
                .description("Upstream answers 429 Too Many Requests")
                .tag("registry", upstream).register(registry);
    }

    private static double orNaN(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : Double.NaN;
    }

    public void upstreamRetry(String upstream) {
        Counter.builder("aicache_upstream_retries").description("Range GETs tried again after a failure")
                .tag("registry", upstream).register(registry).increment();
    }

    public void fillEnded(String upstream, String outcome, long bytes, Duration took) {
        Timer.builder("aicache_fill_duration").description("Time from a fill's start to its end")
                .tag("registry", upstream).tag("outcome", outcome).register(registry).record(took);
        if (outcome.equals("complete")) {
            DistributionSummary.builder("aicache_fill_throughput").description("Bytes per second of completed fills")
                    .baseUnit("bytes_per_second").tag("registry", upstream).register(registry)
                    .record(bytes / Math.max(took.toNanos() / 1e9, 1e-3));
        }
    }

    public void coalescedReader() {
        Counter.builder("aicache_coalesced_readers").description("Readers that joined a fill already under way")
                .register(registry).increment();
    }

    /**
     * One CONNECT to the proxy listener and what became of it: intercept, tunnel, refused (by
     * the host, port or address rules), unreachable, unauthorized or malformed.
     */
    public void proxyConnect(String outcome) {
        Counter.builder("aicache_proxy_connects").description("CONNECT requests to the proxy listener, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /**
     * A kept blob or manifest asked for through a repository it is not linked to: upstream is asked
     * whether it is there before anything of it is sent.
     */
    public void linkConfirmation(String kind) {
        Counter.builder("aicache_link_confirmations").description("Kept objects confirmed upstream for another repository before being served")
                .tag("kind", kind).register(registry).increment();
    }

    /** A request access control refused, by why (the audit log's reason). */
    public void accessDenial(String reason) {
        Counter.builder("aicache_access_denials").description("Requests access control refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** A miss answered straight from upstream, unkept, because the disk is short of room. */
    public void passThroughPull() {
        Counter.builder("aicache_storage_pass_through_pulls").description("Misses served from upstream without being kept (disk short of room)")
                .register(registry).increment();
    }

    public void staleServed(String upstream) {
        Counter.builder("aicache_stale_answers").description("Tags served past their TTL because upstream could not answer")
                .tag("registry", upstream).register(registry).increment();
    }

    /** A tag upstream moved was served as kept, within staleIfError, to spare a registry's low pull budget. */
    public void budgetStaleServed(String upstream) {
        Counter.builder("aicache_manifests_budget_stale")
                .description("Tags served as kept past their TTL, rather than fetched, to spare a low rate-limit budget")
                .tag("registry", upstream).register(registry).increment();
    }

    /**
     * aicache's own counters and gauges as they stand: a meter without tags as its value, one
     * with tags as an object by its tag values ({@code route=blob,status=200}).
     */
    public Map<String, Object> snapshot() {
        Map<String, Object> values = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            double value;
            if (meter instanceof Counter counter) {
                value = counter.count();
            } else if (meter instanceof FunctionCounter counter) {
                value = counter.count();
            } else if (meter instanceof Gauge gauge) {
                value = gauge.value();
            } else {
                continue;
            }
            // A gauge with nothing to tell yet (a limit no answer has announced) is left out.
            if (!name.startsWith("aicache") || Double.isNaN(value)) {
                continue;
            }
            List<Tag> tags = meter.getId().getTags();
            if (tags.isEmpty()) {
                values.put(name, value);
            } else {
                String key = tags.stream().map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(","));
                @SuppressWarnings("unchecked")
                Map<String, Double> byTags = (Map<String, Double>) values.computeIfAbsent(name, n -> new TreeMap<String, Double>());
                byTags.merge(key, value, Double::sum);
            }
        }
        return values;
    }

    /**
     * What the web console charts, counted since start: content answers by tier (their labels), body bytes
     * sent to clients, and body bytes received from upstream.
     */
    public record Figures(Map<String, Long> answersByTier, long servedBytes, long fetchedBytes) {
    }

    public Figures figures() {
        Map<String, Long> byTier = new TreeMap<>();
        routes.values().forEach(route -> route.tiers.forEach((tier, counter) ->
                byTier.merge(tier.label(), (long) counter.count(), Long::sum)));
        long served = servedBytes.values().stream().mapToLong(counter -> (long) counter.count()).sum();
        long fetched = registry.find("aicache_upstream_bytes").counters().stream()
                .mapToLong(counter -> (long) counter.count()).sum();
        return new Figures(byTier, served, fetched);
    }

    /** A chart pulled through aicache named an image; {@code outcome}: warmed, partial (some blobs failed) or failed. */
    public void helmImagePrefetched(String outcome) {
        Counter.builder("aicache_helm_prefetched_images").description("Images named by pulled charts, prefetched by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** A request for a file by URL: {@code hit} (kept, within its TTL), {@code miss} or {@code stale} (upstream failing). */
    public void fileAnswer(String remote, String outcome) {
        fileAnswers.computeIfAbsent(List.of(remote, outcome), key -> Counter.builder("aicache_files_answers")
                .description("Requests for files by URL, by outcome: hit, miss, stale")
                .tag("remote", remote).tag("outcome", outcome).register(registry)).increment();
    }

    /** A file's body came from upstream (a miss, or a revalidation that got a body). */
    public void fileFetched(String remote, long bytes) {
        Counter.builder("aicache_files_upstream_bytes").description("Bytes of file bodies fetched from upstream")
                .baseUnit("bytes").tag("remote", remote).register(registry).increment(bytes);
    }

    /** A kept file past its TTL asked upstream again: {@code unchanged} (a 304 or the same body) or {@code changed}. */
    public void fileRevalidated(String remote, String result) {
        Counter.builder("aicache_files_revalidations").description("Kept files revalidated upstream, by result")
                .tag("remote", remote).tag("result", result).register(registry).increment();
    }

    /** A URL served a body it had not served before: a new version is kept. */
    public void fileVersionAdded(String remote) {
        Counter.builder("aicache_files_versions_added").description("New versions of files by URL kept")
                .tag("remote", remote).register(registry).increment();
    }

    /** Publishes a value read when scraped (active fills, hot-tier weight...). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }
}
