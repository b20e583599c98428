package io.aicache.proxy.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

class FileRequestPathTest {

    @Test
    void keepsThePathAsTheClientEncodedIt() {
        FileRequestPath path = FileRequestPath.parse("/files/github/cert-manager/cert-manager/releases/download/v1.16.2/cert-manager.yaml");
        assertEquals("github", path.remote());
        assertEquals("cert-manager/cert-manager/releases/download/v1.16.2/cert-manager.yaml", path.rawPath());
        assertEquals("org/repo/a%20b.yaml", FileRequestPath.parse("/files/raw/org/repo/a%20b.yaml").rawPath());
        assertEquals(".github/workflows/ci.yaml", FileRequestPath.parse("/files/raw/.github/workflows/ci.yaml").rawPath());
    }

    @Test
    void refusesWhatCouldLeaveTheRemotesUrl() {
        for (String uri : List.of("/files/raw/../etc/passwd", "/files/raw/a/./b", "/files/raw/a/%2e%2E/b", "/files/raw/%2E/b",
                "/files/raw/a%2Fb", "/files/raw/a%5cb", "/files/raw/a%00b", "/files/raw/a\\b", "/files/raw/a//b",
                "/files/raw/a/", "/files/raw/", "/files/raw", "/files//a", "/files/raw/a%zz", "/files/raw/a?x=1",
                "/files/raw/a b", "/files/raw/a#frag")) {
            RegistryException e = assertThrows(RegistryException.class, () -> FileRequestPath.parse(uri), uri);
            assertEquals(ErrorCode.NAME_INVALID, e.code(), uri);
            assertTrue(e.getMessage().length() < 400, e.getMessage());
        }
    }
}
