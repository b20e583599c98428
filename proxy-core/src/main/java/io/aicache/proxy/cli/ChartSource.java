package io.aicache.proxy.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;

import io.aicache.proxy.helm.ChartImages;
import io.aicache.proxy.helm.ChartLookup;

/**
 * The images a chart in one of aicache's classic repositories names ({@code --chart
 * <repo>/<chart>[@version]}): the chart is located in the repository's index and fetched
 * through aicache (so it is kept there too), then read as chart-driven prefetch reads it.
 */
final class ChartSource {

    private ChartSource() {
    }

    static Set<String> images(AdminClient client, String spec) {
        int slash = spec.indexOf('/');
        int at = spec.indexOf('@');
        String repository = slash < 0 ? "" : spec.substring(0, slash);
        String chart = slash < 0 ? "" : spec.substring(slash + 1, at < 0 ? spec.length() : at);
        String version = at < 0 ? null : spec.substring(at + 1);
        if (repository.isEmpty() || chart.isEmpty() || chart.contains("/") || version != null && version.isEmpty()) {
            throw new IllegalArgumentException("--chart '" + spec + "': write it as REPO/CHART or REPO/CHART@VERSION");
        }
        String base = "helm/" + AdminClient.query(repository) + "/";
        try {
            String url = ChartLookup.chartUrl(new ByteArrayInputStream(client.download(base + "index.yaml")), chart, version)
                    .orElseThrow(() -> new IllegalArgumentException("--chart '" + spec + "': chart repository "
                            + repository + " has no chart " + chart + (version == null ? "" : " at version " + version)));
            return ChartImages.of(client.download(base + url));
        } catch (IOException e) {
            throw new IllegalArgumentException("--chart '" + spec + "': " + e.getMessage());
        }
    }
}
