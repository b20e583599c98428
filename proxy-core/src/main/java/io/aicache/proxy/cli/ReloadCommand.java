package io.aicache.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;

/** {@code aicache reload}: a running aicache reads its configuration file again. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make a running aicache read its configuration again.",
                "Logging and pinned images change at once; other sections on the next restart."})
final class ReloadCommand extends AdminCommand {

    @Override
    int run(AdminClient client) {
        JsonNode outcome = client.post("admin/reload", new ObjectMapper().createObjectNode());
        out().println("applied: " + list(outcome.path("applied")));
        out().println("take effect on restart: " + list(outcome.path("restartNeeded")));
        return 0;
    }

    private static String list(JsonNode values) {
        if (values.isEmpty()) {
            return "nothing";
        }
        StringBuilder text = new StringBuilder();
        values.forEach(value -> text.append(text.length() > 0 ? ", " : "").append(value.asText()));
        return text.toString();
    }
}
