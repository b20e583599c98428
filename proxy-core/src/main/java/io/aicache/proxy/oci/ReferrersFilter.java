package io.aicache.proxy.oci;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * Applies a referrers {@code artifactType} filter that upstream did not apply, so the answer
 * can truthfully say {@code OCI-Filters-Applied: artifactType}.
 */
final class ReferrersFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferrersFilter() {
    }

    static byte[] byArtifactType(byte[] index, List<String> artifactTypes) {
        try {
            JsonNode root = JSON.readTree(index);
            if (!(root instanceof ObjectNode object) || !(root.get("manifests") instanceof ArrayNode manifests)) {
                throw new IOException("no manifests list");
            }
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode entry : manifests) {
                if (artifactTypes.contains(entry.path("artifactType").asText())) {
                    kept.add(entry);
                }
            }
            object.set("manifests", kept);
            return JSON.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new RegistryException(ErrorCode.UNKNOWN, "upstream answered referrers with an unreadable index: "
                    + e.getMessage());
        }
    }
}
