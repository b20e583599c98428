package io.aicache.storage;

import java.util.Optional;

import io.aicache.model.Digest;

/**
 * One chart file a repository's index lists: where upstream keeps it and, when the index
 * gives one, the digest it must have.
 *
 * @param url    the chart's absolute URL upstream
 * @param digest the index's {@code digest}, or {@code null} when it has none
 */
public record HelmChartRecord(String url, Digest digest) {

    public HelmChartRecord {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("helm chart record needs a URL");
        }
    }

    public Optional<Digest> expectedDigest() {
        return Optional.ofNullable(digest);
    }
}
