package io.aicache.proxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.files.FileDiff;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aicache files}: files kept by URL (Kubernetes manifests, CRDs, installers) and their
 * versions. A file is named by its upstream URL, its URL on aicache, or {@code <remote>/<path>}.
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = "Files kept by URL and every version of each: list, history, get, diff, pin.",
        subcommands = {FilesCommand.Ls.class, FilesCommand.History.class, FilesCommand.Get.class, FilesCommand.Diff.class,
                FilesCommand.Pin.class, FilesCommand.Unpin.class, FilesExportGitCommand.class})
final class FilesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the files kept by URL.")
    static final class Ls extends AdminCommand {
        @Override
        int run(AdminClient client) {
            JsonNode files = client.get("admin/files");
            out().printf("%-70s %8s %20s %10s  %s%n", "FILE", "VERSIONS", "DIGEST", "SIZE", "LAST CONFIRMED (UTC)");
            files.forEach(file -> out().printf("%-70s %8s %20s %10s  %s%n", file.path("file").asText(),
                    file.path("current").asInt() + "/" + file.path("versions").asInt(),
                    shortDigest(file.path("digest").asText()), size(file.path("size").asLong(-1)),
                    file.path("validatedAt").asText()));
            out().println(files.size() + " files");
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every version a URL has served: number, digest, size, when first and last seen.")
    static final class History extends AdminCommand {
        @Parameters(paramLabel = "URL", description = "The file's upstream URL, its aicache URL, or <remote>/<path>")
        String url;

        @Override
        int run(AdminClient client) {
            JsonNode history = client.get("admin/files/history?url=" + AdminClient.query(url));
            out().println(history.path("file").asText() + "  " + history.path("url").asText());
            out().printf("%-8s %-73s %10s  %-24s  %-24s  %s%n", "VERSION", "DIGEST", "SIZE", "FIRST SEEN", "LAST SEEN", "");
            history.path("versions").forEach(version -> out().printf("%-8d %-73s %10s  %-24s  %-24s  %s%n",
                    version.path("version").asInt(), version.path("digest").asText(), size(version.path("size").asLong()),
                    version.path("firstSeen").asText(), version.path("lastSeen").asText(), flags(version)));
            return 0;
        }

        private static String flags(JsonNode version) {
            return ((version.path("current").asBoolean() ? "current " : "") + (version.path("pinned").asBoolean() ? "pinned " : "")
                    + (version.path("bodyKept").asBoolean() ? "" : "(body no longer kept)")).trim();
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Print (or write with -o) what a URL served: its current version, version N, or the one it served at a time.")
    static final class Get extends AdminCommand {
        @Parameters(paramLabel = "URL", description = "The file's upstream URL, its aicache URL, or <remote>/<path>")
        String url;

        @Option(names = "--version", paramLabel = "N", description = "Version N (1 is the first body the URL served).")
        Integer version;

        @Option(names = "--at", paramLabel = "TIME", description = "The version the URL served at TIME (ISO-8601, 2026-12-02T10:00:00Z).")
        String at;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the bytes to FILE instead of printing them.")
        Path output;

        @Override
        int run(AdminClient client) {
            if (version != null && at != null) {
                throw new IllegalArgumentException("give --version or --at, not both");
            }
            byte[] body = client.download(bodyPath(url, version, at));
            if (output != null) {
                try {
                    Files.write(output, body);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot write " + output + ": " + e.getMessage());
                }
            } else {
                out().print(new String(body, StandardCharsets.UTF_8));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"What changed between two versions of a file: for YAML and JSON, per Kubernetes object",
                    "(apiVersion, kind, namespace, name; + added, - removed, ~ changed with each value); a unified diff",
                    "for other text. OLD defaults to the version before NEW, NEW to the current one."})
    static final class Diff extends AdminCommand {
        @Parameters(index = "0", paramLabel = "URL", description = "The file's upstream URL, its aicache URL, or <remote>/<path>")
        String url;

        @Parameters(index = "1", arity = "0..1", paramLabel = "OLD", description = "The older version's number.")
        Integer old;

        @Parameters(index = "2", arity = "0..1", paramLabel = "NEW", description = "The newer version's number.")
        Integer now;

        @Override
        int run(AdminClient client) {
            JsonNode history = client.get("admin/files/history?url=" + AdminClient.query(url));
            JsonNode versions = history.path("versions");
            int current = 0;
            for (JsonNode version : versions) {
                if (version.path("current").asBoolean()) {
                    current = version.path("version").asInt();
                }
            }
            int newer = now != null ? now : current;
            int older = old != null ? old : previous(versions, newer);
            if (older == 0) {
                out().println(history.path("file").asText() + " has one version: nothing to compare");
                return 0;
            }
            String contentType = "";
            for (JsonNode version : versions) {
                if (version.path("version").asInt() == newer) {
                    contentType = version.path("contentType").asText();
                }
            }
            List<String> lines = FileDiff.diff(history.path("file").asText(), contentType,
                    "version " + older, client.download(bodyPath(url, older, null)),
                    "version " + newer, client.download(bodyPath(url, newer, null)));
            if (lines.isEmpty()) {
                out().println("no changes between version " + older + " and version " + newer);
            } else {
                out().println("version " + older + " -> version " + newer + " of " + history.path("file").asText());
                lines.forEach(out()::println);
            }
            return 0;
        }

        private static int previous(JsonNode versions, int newer) {
            int previous = 0;
            for (JsonNode version : versions) {
                int number = version.path("version").asInt();
                if (number < newer && number > previous) {
                    previous = number;
                }
            }
            return previous;
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, description = "Keep a version through garbage collection and retention.")
    static final class Pin extends AdminCommand {
        @Parameters(index = "0", paramLabel = "URL", description = "The file's upstream URL, its aicache URL, or <remote>/<path>")
        String url;

        @Option(names = "--version", paramLabel = "N", required = true, description = "The version to pin.")
        int version;

        @Override
        int run(AdminClient client) {
            JsonNode answer = client.post("admin/files/pins", new ObjectMapper().createObjectNode().put("url", url)
                    .put("version", version));
            out().println("pinned " + answer.path("file").asText() + " version " + answer.path("version").asInt());
            return 0;
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, description = "Let retention drop a version again.")
    static final class Unpin extends AdminCommand {
        @Parameters(index = "0", paramLabel = "URL", description = "The file's upstream URL, its aicache URL, or <remote>/<path>")
        String url;

        @Option(names = "--version", paramLabel = "N", required = true, description = "The version to unpin.")
        int version;

        @Override
        int run(AdminClient client) {
            JsonNode answer = client.delete("admin/files/pins?url=" + AdminClient.query(url) + "&version=" + version);
            out().println("unpinned " + answer.path("file").asText() + " version " + answer.path("version").asInt());
            return 0;
        }
    }

    static String bodyPath(String url, Integer version, String at) {
        return "admin/files/body?url=" + AdminClient.query(url) + (version != null ? "&version=" + version : "")
                + (at != null ? "&at=" + AdminClient.query(at) : "");
    }
}
