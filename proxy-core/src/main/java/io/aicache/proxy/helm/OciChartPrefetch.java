package io.aicache.proxy.helm;

import java.io.IOException;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.model.Digest;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.oci.Manifest;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.oci.Target;
import io.aicache.storage.BlobStore;

/**
 * Chart-driven prefetch for charts in OCI registries: when a manifest whose config is Helm's
 * chart config is fetched from upstream, its chart content layer is warmed (the fill Helm's own
 * pull of it joins), read once kept, and handed to {@link ChartPrefetch}.
 */
final class OciChartPrefetch implements BiConsumer<Target, Manifest> {

    static final String CHART_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    static final String CHART_CONTENT = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    private static final Logger LOG = LoggerFactory.getLogger(OciChartPrefetch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OciApi oci;
    private final BlobStore store;
    private final ChartService.ChartObserver charts;
    private final long maxChartBytes;

    OciChartPrefetch(OciApi oci, BlobStore store, ChartService.ChartObserver charts, long maxChartBytes) {
        this.oci = oci;
        this.store = store;
        this.charts = charts;
        this.maxChartBytes = maxChartBytes;
    }

    @Override
    public void accept(Target target, Manifest manifest) {
        JsonNode content;
        try {
            JsonNode json = JSON.readTree(manifest.bytes());
            if (!CHART_CONFIG.equals(json.path("config").path("mediaType").asText())) {
                return;
            }
            content = null;
            for (JsonNode layer : json.path("layers")) {
                if (CHART_CONTENT.equals(layer.path("mediaType").asText())) {
                    content = layer;
                }
            }
        } catch (IOException notJson) {
            // The client gets upstream's answer as it is; there is nothing to prefetch from it.
            return;
        }
        if (content == null || content.path("size").asLong(Long.MAX_VALUE) > maxChartBytes
                || !Digest.looksLikeDigest(content.path("digest").asText())) {
            return;
        }
        Digest digest = Digest.parse(content.path("digest").asText());
        String chart = target.repository().blob(manifest.digest()).toString();
        oci.warmBlob(target, digest, landed -> { })
                .thenApply(fetched -> store.find(digest).flatMap(store::readSmall)
                        .orElseThrow(() -> new IllegalStateException("the chart content " + digest + " is not kept")))
                .whenComplete((archive, failure) -> {
                    if (failure != null) {
                        LOG.warn("cannot read OCI chart {} for image references: {}", chart,
                                UpstreamFailureTranslator.unwrap(failure).getMessage());
                    } else {
                        charts.kept(target.registryName(), chart, archive);
                    }
                });
    }
}
