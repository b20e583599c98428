package io.aicache.proxy.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a prefetch as it streams in: on a terminal, a progress bar per layer being fetched;
 * elsewhere (logs, pipes) a line per layer as it is done. Both end each image with what was
 * fetched and what was cached already, and the whole run with a summary.
 */
final class PrefetchDisplay implements Consumer<JsonNode> {

    private final PrintWriter out;
    private final boolean live;
    private final Map<String, ProgressBar> bars = new HashMap<>();
    private int blobsInImage;
    private int blobsDone;
    private int images;
    private int failedImages;
    private long fetchedBlobs;
    private long fetchedBytes;
    private long cachedBlobs;
    private long cachedBytes;

    /** @param live draw progress bars (standard output is a terminal) */
    PrefetchDisplay(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    @Override
    public void accept(JsonNode event) {
        switch (event.path("event").asText()) {
            case "resolved" -> resolved(event);
            case "progress" -> progress(event);
            case "blob" -> blob(event);
            case "failed" -> failedBlob(event);
            case "report" -> report(event);
            case "error" -> {
                images++;
                failedImages++;
                out.println(event.path("image").asText() + ": FAILED: " + event.path("error").asText());
            }
            default -> {
                // "done" and events of newer servers carry nothing to show
            }
        }
        out.flush();
    }

    private void resolved(JsonNode event) {
        blobsInImage = event.path("blobs").asInt();
        blobsDone = 0;
        out.println(event.path("name").asText() + " (" + AdminCommand.shortDigest(event.path("digest").asText()) + "): "
                + blobsInImage + " blobs, " + AdminCommand.size(event.path("bytes").asLong()));
    }

    private void progress(JsonNode event) {
        if (live) {
            bar(event.path("digest").asText(), event.path("size").asLong()).stepTo(event.path("landed").asLong());
        }
    }

    private void blob(JsonNode event) {
        String digest = event.path("digest").asText();
        long size = event.path("size").asLong();
        boolean fetched = event.path("fetched").asBoolean();
        blobsDone++;
        ProgressBar bar = bars.remove(digest);
        if (bar != null) {
            bar.stepTo(bar.getMax());
            bar.close();
        }
        if (!live || bar == null) {
            out.println("  [" + blobsDone + "/" + blobsInImage + "] " + AdminCommand.shortDigest(digest) + "  "
                    + (fetched ? "fetched" : "cached ") + "  " + AdminCommand.size(size));
        }
    }

    private void failedBlob(JsonNode event) {
        blobsDone++;
        ProgressBar bar = bars.remove(event.path("digest").asText());
        if (bar != null) {
            bar.close();
        }
        out.println("  [" + blobsDone + "/" + blobsInImage + "] " + AdminCommand.shortDigest(event.path("digest").asText())
                + "  FAILED: " + event.path("error").asText());
    }

    private void report(JsonNode event) {
        JsonNode report = event.path("report");
        images++;
        int fetched = report.path("blobsFetched").asInt();
        int cached = report.path("blobsCached").asInt();
        fetchedBlobs += fetched;
        cachedBlobs += cached;
        fetchedBytes += report.path("bytesFetched").asLong();
        cachedBytes += report.path("bytesCached").asLong();
        int failures = report.path("failures").size();
        if (failures > 0) {
            failedImages++;
        }
        String name = report.path("image").asText();
        if (fetched == 0 && failures == 0) {
            out.println(name + ": already cached, nothing fetched (" + cached + " blobs, "
                    + AdminCommand.size(report.path("bytesCached").asLong()) + ")");
        } else {
            out.println(name + ": " + fetched + " fetched (" + AdminCommand.size(report.path("bytesFetched").asLong())
                    + "), " + cached + " already cached" + (failures > 0 ? ", " + failures + " FAILED" : ""));
        }
    }

    private ProgressBar bar(String digest, long size) {
        return bars.computeIfAbsent(digest, d -> new ProgressBarBuilder()
                .setTaskName(AdminCommand.shortDigest(d))
                .setInitialMax(Math.max(size, 1))
                .setUnit(" MiB", 1 << 20)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed()
                .build());
    }

    /** One line for the whole run. */
    String summary() {
        return "prefetched " + images + (images == 1 ? " image" : " images") + ": " + fetchedBlobs + " blobs fetched ("
                + AdminCommand.size(fetchedBytes) + "), " + cachedBlobs + " already cached ("
                + AdminCommand.size(cachedBytes) + ")" + (failedImages > 0 ? "; " + failedImages + " FAILED" : "");
    }

    boolean anyFailed() {
        return failedImages > 0;
    }
}
