package io.aicache.proxy.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aicache ls}: what a running aicache keeps. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List cached images (repository, tag, digest, size kept, last use), or blobs with --blobs.")
final class LsCommand extends AdminCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Parameters(paramLabel = "PREFIX", arity = "0..1", description = "Only repositories starting with this, e.g. docker.io/library/")
    String prefix = "";

    @Option(names = "--blobs", description = "List blobs, most recently used first, instead of images.")
    boolean blobs;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "With --blobs: how many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    int run(AdminClient client) {
        if (blobs) {
            JsonNode list = client.get("admin/blobs?limit=" + limit);
            out().printf("%-20s %10s %6s  %-16s  %s%n", "DIGEST", "SIZE", "HITS", "LAST USED (UTC)", "MEDIA TYPE");
            list.forEach(blob -> out().printf("%-20s %10s %6d  %-16s  %s%n", shortDigest(blob.path("digest").asText()),
                    size(blob.path("size").asLong()), blob.path("hits").asLong(), time(blob.path("lastUsed").asLong()),
                    blob.path("mediaType").asText()));
            return 0;
        }
        JsonNode images = client.get("admin/images?prefix=" + AdminClient.query(prefix));
        out().printf("%-50s %-20s %-20s %10s %6s  %s%n", "REPOSITORY", "TAG", "DIGEST", "SIZE", "BLOBS", "LAST USED (UTC)");
        long total = 0;
        for (JsonNode image : images) {
            String name = image.path("image").asText();
            int colon = name.lastIndexOf(':');
            long bytes = image.path("keptBytes").asLong();
            total += bytes;
            out().printf("%-50s %-20s %-20s %10s %6d  %s%n", name.substring(0, colon), name.substring(colon + 1),
                    shortDigest(image.path("digest").asText()), size(bytes), image.path("blobsKept").asInt(),
                    time(image.path("lastUsed").asLong()));
        }
        out().println(images.size() + " tags, " + size(total) + " kept (blobs shared between images counted in each)");
        return 0;
    }

    private static String time(long millis) {
        return millis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(millis));
    }
}
