package io.aicache.proxy.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aicache pin}: keeps images from eviction; with no image, lists the pins. */
@Command(name = "pin", mixinStandardHelpOptions = true,
        description = {"Keep images (with every manifest and blob they reference) from eviction.",
                "With no IMAGE, list the pinned images. Pins survive restarts."})
final class PinCommand extends AdminCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to pin, e.g. alpine:3.20 or ghcr.io/org/app@sha256:...")
    List<String> images = new ArrayList<>();

    @Override
    int run(AdminClient client) {
        if (images.isEmpty()) {
            for (JsonNode pin : client.get("admin/pins")) {
                out().println(pin.path("image").asText() + (pin.path("fromConfiguration").asBoolean() ? "  (configuration)" : ""));
            }
            return 0;
        }
        for (String image : images) {
            JsonNode answer = client.post("admin/pins", JSON.createObjectNode().put("image", image));
            String name = answer.path("image").asText();
            out().println((answer.path("pinned").asText().equals("now") ? "pinned " : "already pinned ") + name
                    + (answer.path("kept").asBoolean() ? "" : " (not cached yet: kept from its first pull, or run aicache prefetch "
                    + name + ")"));
        }
        return 0;
    }
}
