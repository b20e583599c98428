package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryTest {

    private static final Digest EMPTY = Digest.parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    @Test
    void isNamedByRegistryAndName() {
        Repository repository = new Repository("registry.test:5000", "org/app");
        assertEquals("registry.test:5000/org/app", repository.toString());
        assertEquals(new Repository("registry.test:5000", "org/app"), repository);
        assertNotEquals(new Repository("ghcr.io", "org/app"), repository);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b"})
    void refusesARegistryNameThatIsEmptyOrHasASlash(String registry) {
        assertThrows(IllegalArgumentException.class, () -> new Repository(registry, "app"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/app", "app/"})
    void refusesAnEmptyOrSlashBoundName(String name) {
        assertThrows(IllegalArgumentException.class, () -> new Repository("docker.io", name));
    }

    @Test
    void namesItsTagsAndBlobs() {
        Repository repository = new Repository("docker.io", "library/alpine");
        assertEquals("docker.io/library/alpine:3.20", repository.tag("3.20").toString());
        assertEquals("docker.io/library/alpine@" + EMPTY, repository.blob(EMPTY).toString());
        assertEquals(new BlobReference(repository, EMPTY), repository.blob(EMPTY));
    }

    @Test
    void aBlobReferenceNeedsBoth() {
        assertThrows(IllegalArgumentException.class, () -> new BlobReference(null, EMPTY));
        assertThrows(IllegalArgumentException.class, () -> new BlobReference(new Repository("docker.io", "a"), null));
    }
}
