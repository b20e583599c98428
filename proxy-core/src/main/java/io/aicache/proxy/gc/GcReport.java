package io.aicache.proxy.gc;

import java.util.List;
import java.util.Map;

/**
 * What one garbage collection removed, or in a dry run would remove.
 *
 * @param dryRun whether nothing was removed
 * @param blobs  blobs (and manifests) collected
 * @param tags   tags dropped past their retention
 * @param bytes  disk space the collected blobs took
 * @param fileVersions versions of files by URL forgotten past retention ({@code file}, {@code version}, {@code digest})
 */
public record GcReport(boolean dryRun, List<Blob> blobs, List<Tag> tags, long bytes, List<Map<String, Object>> fileVersions) {

    public GcReport {
        blobs = List.copyOf(blobs);
        tags = List.copyOf(tags);
        fileVersions = List.copyOf(fileVersions);
    }

    /** @param digest {@code sha256:...}; @param size bytes on disk; @param reason why it goes */
    public record Blob(String digest, long size, String reason) {
    }

    /** @param tag {@code registry/repository:tag}; @param digest the manifest it pointed at */
    public record Tag(String tag, String digest, String reason) {
    }
}
