package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void readsEveryAcceptHeaderWithoutParameters() {
        List<String> accepted = MediaTypes.accepted(List.of(
                "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json;q=0.9",
                "application/vnd.docker.distribution.manifest.v2+json"));
        assertEquals(List.of(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST), accepted);
    }

    @Test
    void servesAKeptTagOnlyInATypeTheClientAccepts() {
        List<String> dockerOnly = List.of(MediaTypes.DOCKER_MANIFEST);
        assertTrue(MediaTypes.isAcceptable(dockerOnly, MediaTypes.DOCKER_MANIFEST));
        assertFalse(MediaTypes.isAcceptable(dockerOnly, MediaTypes.OCI_INDEX));
        assertTrue(MediaTypes.isAcceptable(List.of(), MediaTypes.OCI_INDEX), "no Accept takes anything");
        assertTrue(MediaTypes.isAcceptable(List.of("*/*"), MediaTypes.OCI_INDEX));
    }
}
