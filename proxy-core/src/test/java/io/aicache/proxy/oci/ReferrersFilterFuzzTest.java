package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/** Upstream's referrers index: any body is filtered to an index of the type asked for, or refused as UNKNOWN. */
class ReferrersFilterFuzzTest {

    private static final String SBOM = "application/spdx+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest
    void byArtifactType(byte[] input) throws IOException {
        byte[] filtered;
        try {
            filtered = ReferrersFilter.byArtifactType(input, List.of(SBOM));
        } catch (RegistryException refused) {
            assertEquals(ErrorCode.UNKNOWN, refused.code());
            return;
        }
        for (JsonNode entry : JSON.readTree(filtered).get("manifests")) {
            assertEquals(SBOM, entry.path("artifactType").asText());
        }
    }
}
