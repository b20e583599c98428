package io.aicache.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TagReferenceTest {

    @Test
    void readsBackWhatItWrites() {
        TagReference tag = new Repository("registry.test:5000", "org/app").tag("v1.2");
        assertEquals("registry.test:5000/org/app:v1.2", tag.toString());
        assertEquals(tag, TagReference.parse(tag.toString()));
    }

    @Test
    void equalTagsOfOneRepositoryAreEqual() {
        assertEquals(new Repository("docker.io", "library/alpine").tag("3"),
                new TagReference(new Repository("docker.io", "library/alpine"), "3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a:b", "a/b"})
    void refusesTagsThatCannotBeReadBack(String tag) {
        assertThrows(IllegalArgumentException.class, () -> new Repository("docker.io", "app").tag(tag));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker.io", "docker.io/app", "docker.io/app:", "/app:1", "docker.io:5000:1"})
    void refusesTextNotOfTheKeyForm(String text) {
        assertThrows(IllegalArgumentException.class, () -> TagReference.parse(text));
    }
}
