package io.aicache.proxy.gc;

import java.util.List;

/**
 * What one garbage collection removed, or in a dry run would remove.
 *
 * @param dryRun whether nothing was removed
 * @param blobs  blobs (and manifests) collected
 * @param tags   tags dropped past their retention
 * @param bytes  disk space the collected blobs took
 */
public record GcReport(boolean dryRun, List<Blob> blobs, List<Tag> tags, long bytes) {

    public GcReport {
        blobs = List.copyOf(blobs);
        tags = List.copyOf(tags);
    }

    /** @param digest {@code sha256:...}; @param size bytes on disk; @param reason why it goes */
    public record Blob(String digest, long size, String reason) {
    }

    /** @param tag {@code registry/repository:tag}; @param digest the manifest it pointed at */
    public record Tag(String tag, String digest, String reason) {
    }
}
