package io.aicache.proxy.cli;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code aicache files export-git URL DIR}: a file's history as a new git repository (JGit), one
 * commit per version in the order first seen, dated when it was first seen, so {@code git log -p}
 * and {@code git blame} read what changed and when.
 */
@Command(name = "export-git", mixinStandardHelpOptions = true,
        description = {"Write a file's history as a new git repository in DIR: one commit per version, dated when",
                "aicache first saw it, the file under its own name. Versions whose body is no longer kept are left out."})
final class FilesExportGitCommand extends AdminCommand {

    private static final String AUTHOR = "aicache";
    private static final String EMAIL = "aicache@localhost";

    @Parameters(index = "0", paramLabel = "URL", description = "The file's upstream URL, its aicache URL, or <remote>/<path>")
    String url;

    @Parameters(index = "1", paramLabel = "DIR", description = "Where the repository is created (absent or empty).")
    Path directory;

    @Override
    int run(AdminClient client) {
        JsonNode history = client.get("admin/files/history?url=" + AdminClient.query(url));
        String file = history.path("file").asText();
        String name = fileName(file);
        if (Files.exists(directory) && !isEmptyDirectory(directory)) {
            throw new IllegalArgumentException(directory + " exists and is not empty");
        }
        int commits = 0;
        try (Git git = Git.init().setDirectory(directory.toFile()).setInitialBranch("main").call()) {
            for (JsonNode version : history.path("versions")) {
                int number = version.path("version").asInt();
                if (!version.path("bodyKept").asBoolean()) {
                    err().println("aicache: version " + number + " of " + file + " is no longer kept; left out");
                    continue;
                }
                Files.write(directory.resolve(name), client.download(FilesCommand.bodyPath(url, number, null)));
                git.add().addFilepattern(name).call();
                PersonIdent when = new PersonIdent(AUTHOR, EMAIL, Instant.parse(version.path("firstSeen").asText()), ZoneOffset.UTC);
                git.commit().setAuthor(when).setCommitter(when).setSign(false).setAllowEmpty(true)
                        .setMessage("Version " + number + " of " + file + "\n\n" + history.path("url").asText() + "\n"
                                + version.path("digest").asText() + ", " + version.path("size").asLong() + " bytes, first seen "
                                + version.path("firstSeen").asText() + ", last seen " + version.path("lastSeen").asText() + "\n")
                        .call();
                commits++;
            }
        } catch (GitAPIException | IOException e) {
            throw new IllegalArgumentException("cannot write the repository in " + directory + ": " + e.getMessage());
        }
        out().println("exported " + commits + " versions of " + file + " to " + directory + " (" + name + ")");
        return 0;
    }

    /** The file's last path segment, decoded, as a name in the repository. */
    static String fileName(String file) {
        String last = URLDecoder.decode(file.substring(file.lastIndexOf('/') + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        String safe = last.replaceAll("[^A-Za-z0-9._+~-]", "_");
        return safe.isEmpty() || safe.equals(".") || safe.equals("..") || safe.equals(".git") ? "file" : safe;
    }

    private static boolean isEmptyDirectory(Path path) {
        try (var entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
