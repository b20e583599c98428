package io.aicache.proxy.helm;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.observe.Metrics;
import io.aicache.proxy.prefetch.PrefetchProgress;
import io.aicache.proxy.prefetch.Prefetcher;

/**
 * Warms, in the background, the images a chart just fetched from upstream will pull once it is
 * installed, for the configured platforms: a cluster installing a chart asks for them minutes
 * later, and finds them kept.
 */
final class ChartPrefetch implements ChartService.ChartObserver {

    private static final Logger LOG = LoggerFactory.getLogger(ChartPrefetch.class);

    private final Prefetcher prefetcher;
    private final List<String> platforms;
    private final Metrics metrics;

    ChartPrefetch(Prefetcher prefetcher, List<String> platforms, Metrics metrics) {
        this.prefetcher = prefetcher;
        this.platforms = List.copyOf(platforms);
        this.metrics = metrics;
    }

    @Override
    public void kept(String repository, String file, byte[] archive) {
        Set<String> images;
        try {
            images = ChartImages.of(archive);
        } catch (IOException e) {
            LOG.warn("chart {} of repository {} cannot be read for image references: {}", file, repository, e.getMessage());
            return;
        }
        LOG.info("chart {} of repository {} names {} images; prefetching them: {}", file, repository, images.size(), images);
        for (String image : images) {
            prefetcher.prefetch(image, platforms, PrefetchProgress.NONE).whenComplete((report, failure) -> {
                if (failure != null) {
                    metrics.helmImagePrefetched("failed");
                    LOG.warn("prefetching {} (from chart {} of {}) failed: {}", image, file, repository,
                            UpstreamFailureTranslator.unwrap(failure).getMessage());
                } else {
                    metrics.helmImagePrefetched(report.succeeded() ? "warmed" : "partial");
                    LOG.info("prefetched {} (from chart {} of {}): {} blobs fetched, {} kept already, {} failed", image,
                            file, repository, report.blobsFetched(), report.blobsCached(), report.failures().size());
                }
            });
        }
    }
}
