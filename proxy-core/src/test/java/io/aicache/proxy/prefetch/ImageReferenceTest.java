package io.aicache.proxy.prefetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Image names read the way Docker reads them. */
class ImageReferenceTest {

    private static ImageReference parse(String text) {
        return ImageReference.parse(text, name -> name.equals("mirror"));
    }

    @Test
    void readsDockerStyleNames() {
        assertEquals("docker.io/nginx:latest", parse("nginx").toString());
        assertEquals("docker.io/bitnami/redis:7.2", parse("bitnami/redis:7.2").toString());
        assertEquals("ghcr.io/org/app:1.0", parse("ghcr.io/org/app:1.0").toString());
        assertEquals("localhost:5000/app:dev", parse("localhost:5000/app:dev").toString());
        assertEquals("docker.io/library/alpine:3.20", parse("index.docker.io/library/alpine:3.20").toString());
        assertEquals("mirror/team/app:1", parse("mirror/team/app:1").toString());
    }

    @Test
    void aDigestWinsOverATag() {
        String digest = "sha256:" + "a".repeat(64);
        ImageReference reference = parse("quay.io/org/app:1.0@" + digest);
        assertEquals(digest, reference.reference());
        assertEquals("quay.io/org/app@" + digest, reference.toString());
    }

    @Test
    void refusesMalformedNames() {
        assertThrows(IllegalArgumentException.class, () -> parse(""));
        assertThrows(IllegalArgumentException.class, () -> parse("Upper/Case:1"));
        assertThrows(IllegalArgumentException.class, () -> parse("app:bad tag"));
        assertThrows(IllegalArgumentException.class, () -> parse("app@sha256:short"));
    }
}
