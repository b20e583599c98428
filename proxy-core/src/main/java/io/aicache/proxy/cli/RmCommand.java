package io.aicache.proxy.cli;

import java.util.List;

import io.aicache.model.Digest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aicache rm}: forgets tags and removes blobs from a running aicache. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Forget cached tags (IMAGE:TAG) or remove cached blobs (sha256:...).",
                "A forgotten tag is asked of upstream again on its next pull; its blobs go at the next gc",
                "unless another image uses them."})
final class RmCommand extends AdminCommand {

    @Parameters(paramLabel = "IMAGE|DIGEST", arity = "1..*", description = "Tags or blob digests to remove.")
    List<String> targets;

    @Override
    int run(AdminClient client) {
        int failed = 0;
        for (String target : targets) {
            try {
                if (!target.contains("/") && Digest.looksLikeDigest(target)) {
                    client.delete("admin/blobs/" + target);
                    out().println("removed blob " + target);
                } else {
                    out().println("forgot " + client.delete("admin/images?image=" + AdminClient.query(target))
                            .path("forgotten").asText());
                }
            } catch (AdminClient.AdminException e) {
                err().println("aicache: " + target + ": " + e.getMessage());
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
