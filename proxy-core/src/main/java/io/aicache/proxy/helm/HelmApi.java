package io.aicache.proxy.helm;

import java.time.Clock;
import java.util.concurrent.Executor;

import io.aicache.proxy.config.HelmConfig;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.prefetch.Prefetcher;
import io.aicache.storage.BlobStore;
import io.aicache.storage.HelmIndexFiles;
import io.aicache.upstream.OriginClients;
import io.aicache.upstream.ChartRepositoryClient;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Classic Helm chart repositories under {@code /helm/<name>/}: {@code index.yaml} and
 * {@code charts/<file>} (archives and their {@code .prov} files). Checks the method, the
 * repository name and the file name, and hands the request to the index or chart service.
 */
public final class HelmApi {

    public static final String PREFIX = "/helm/";
    private static final String CHARTS = "charts/";

    private final OriginClients<ChartRepositoryClient> repositories;
    private final IndexService indexes;
    private final ChartService charts;

    /**
     * @param prefetcher warms the images of pulled charts when {@code helm.prefetchImages} is on
     * @param oci        where charts in OCI registries are pulled, told to report them for prefetch
     */
    public HelmApi(OriginClients<ChartRepositoryClient> repositories, BlobStore store, HelmIndexFiles indexFiles, Executor storageExecutor,
                   HelmConfig config, Prefetcher prefetcher, OciApi oci, Metrics metrics) {
        this.repositories = repositories;
        this.indexes = new IndexService(store.helm(), indexFiles, storageExecutor, config.indexTtl(),
                config.staleIfError(), Clock.systemUTC(), metrics);
        ChartService.ChartObserver prefetch = ChartService.ChartObserver.NONE;
        if (config.prefetchImages()) {
            prefetch = new ChartPrefetch(prefetcher, config.prefetchPlatforms(), metrics);
            oci.onManifestKept(new OciChartPrefetch(oci, store, prefetch, config.maxChartBytes().bytes()));
        }
        this.charts = new ChartService(store, indexes, storageExecutor, config.maxChartBytes().bytes(), prefetch);
    }

    /** Answers one {@code /helm/...} request; throws {@link RegistryException} for refusals. */
    public void handle(Exchange exchange, FullHttpRequest request) {
        String path = exchange.requestPath();
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String below = slash < 0 ? "" : rest.substring(slash + 1);
        boolean index = below.equals("index.yaml");
        exchange.route(index ? "helm_index" : "helm_chart");
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "aicache is a read-only mirror: "
                    + request.method() + " " + path + " is not supported");
        }
        ChartRepositoryClient client = repositories.byName(name).orElseThrow(() -> new RegistryException(
                ErrorCode.NAME_UNKNOWN, "no chart repository named '" + name + "' is configured; configured: "
                + repositories.names()));
        exchange.describe(index ? "helm_index" : "helm_chart", name, null, index ? null : below);
        if (index) {
            indexes.serve(exchange, client);
        } else if (below.startsWith(CHARTS)) {
            String file = below.substring(CHARTS.length());
            if (!ChartFileNames.isSafe(file)) {
                throw new RegistryException(ErrorCode.NAME_INVALID, "'" + file
                        + "' is not a chart file name: one path segment of letters, digits and . _ + ~ -");
            }
            charts.serve(exchange, client, file);
        } else {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "no endpoint at " + path
                    + "; a chart repository serves " + PREFIX + name + "/index.yaml and " + PREFIX + name + "/charts/<file>");
        }
    }
}
