package io.aicache.proxy.files;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A file's body is upstream's: any bytes are objects (each flattened within the bounds), no YAML at
 * all (null), or the one refusal of a file past a bound, {@link ManifestDocuments.TooComplexException}.
 */
class ManifestDocumentsFuzzTest {

    @FuzzTest
    void read(byte[] input) {
        List<ManifestDocuments.ManifestObject> objects;
        try {
            objects = ManifestDocuments.read(input);
        } catch (ManifestDocuments.TooComplexException refused) {
            return;
        }
        if (objects != null) {
            assertTrue(objects.stream().mapToInt(object -> object.values().size()).sum() <= ManifestDocuments.MAX_NODES);
        }
    }
}
