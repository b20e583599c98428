package io.aicache.proxy.cli;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aicache unpin}: lets pinned images be evicted again. */
@Command(name = "unpin", mixinStandardHelpOptions = true, description = "Let pinned images be evicted again.")
final class UnpinCommand extends AdminCommand {

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Pinned images to release.")
    List<String> images;

    @Override
    int run(AdminClient client) {
        for (String image : images) {
            out().println("unpinned " + client.delete("admin/pins?image=" + AdminClient.query(image)).path("unpinned").asText());
        }
        return 0;
    }
}
