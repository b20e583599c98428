package io.aicache.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aicache gc}: collects what no cached image references, or lists it with {@code --dry-run}. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Remove blobs that no cached manifest references (older than storage.gc.minAge)",
                "and tags past storage.gc.tagRetention; pinned images stay."})
final class GcCommand extends AdminCommand {

    @Option(names = "--dry-run", description = "List what would be removed; remove nothing.")
    boolean dryRun;

    @Override
    int run(AdminClient client) {
        JsonNode report = client.post("admin/gc", new ObjectMapper().createObjectNode().put("dryRun", dryRun));
        String verb = dryRun ? "would remove" : "removed";
        report.path("tags").forEach(tag -> out().println(verb + " tag  " + tag.path("tag").asText() + "  ("
                + tag.path("reason").asText() + ")"));
        report.path("blobs").forEach(blob -> out().println(verb + " blob " + shortDigest(blob.path("digest").asText()) + "  "
                + size(blob.path("size").asLong()) + "  (" + blob.path("reason").asText() + ")"));
        report.path("fileVersions").forEach(version -> out().println(verb + " file " + version.path("file").asText()
                + " version " + version.path("version").asInt() + "  (past files.keepVersions)"));
        out().println((dryRun ? "dry run: " : "") + verb + " " + report.path("blobs").size() + " blobs ("
                + size(report.path("bytes").asLong()) + "), " + report.path("tags").size() + " tags and "
                + report.path("fileVersions").size() + " file versions");
        return 0;
    }
}
