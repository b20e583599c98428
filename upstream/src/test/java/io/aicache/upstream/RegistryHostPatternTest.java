package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegistryHostPatternTest {

    private static RegistryHostPattern pattern(String pattern) {
        return new RegistryHostPattern(pattern, host -> null);
    }

    @Test
    void aStarIsPartOfOneLabel() {
        RegistryHostPattern ecr = pattern("*.dkr.ecr.*.amazonaws.com");
        assertTrue(ecr.matches("123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        assertFalse(ecr.matches("evil.example.dkr.ecr.eu-west-1.amazonaws.com"), "never across a dot");
        assertFalse(ecr.matches("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example"));
        assertFalse(ecr.matches(".dkr.ecr.eu-west-1.amazonaws.com"), "not empty");

        RegistryHostPattern gar = pattern("*-docker.pkg.dev");
        assertTrue(gar.matches("europe-west1-docker.pkg.dev"));
        assertFalse(gar.matches("europe-west1-docker.pkg.dev:5000"));
        assertFalse(gar.matches("EUROPE-west1-docker.pkg.dev"), "host names are lower case in references");
    }

    @Test
    void whatIsNotAHostPatternIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> pattern("ghcr.io"));
        assertThrows(IllegalArgumentException.class, () -> pattern("*.example.com/path"));
        assertThrows(IllegalArgumentException.class, () -> pattern("*.Example.com"));
        assertTrue(RegistryHostPattern.isPattern("*.azurecr.io"));
        assertFalse(RegistryHostPattern.isPattern("docker.io"));
    }
}
