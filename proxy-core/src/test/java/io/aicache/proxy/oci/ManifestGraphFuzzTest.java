package io.aicache.proxy.oci;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A kept manifest's bytes are upstream's: any bytes give the digests they reference (perhaps none), or
 * are not JSON (IOException), which the graph walk logs and passes over.
 */
class ManifestGraphFuzzTest {

    @FuzzTest
    void readReferences(byte[] input) {
        try {
            ManifestGraph.readReferences(input, blob -> { }, child -> { });
        } catch (IOException notJson) {
            // Not a manifest: nothing referenced.
        }
    }
}
