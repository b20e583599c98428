package io.aicache.proxy.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * A file request's URI is the client's: any URI is a remote and a path that reads back from the URI
 * it stands for and has no segment that leaves the remote's URL, or a NAME_INVALID refusal.
 */
class FileRequestPathFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String uri = new String(input, StandardCharsets.UTF_8);
        FileRequestPath path;
        try {
            path = FileRequestPath.parse(uri);
        } catch (RegistryException refused) {
            assertEquals(ErrorCode.NAME_INVALID, refused.code(), refused::getMessage);
            return;
        }
        assertEquals(path, FileRequestPath.parse(FileRequestPath.PREFIX + path.remote() + "/" + path.rawPath()));
        String decoded = java.net.URLDecoder.decode(path.rawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
        for (String segment : decoded.split("/", -1)) {
            assertFalse(List.of("", ".", "..").contains(segment), uri);
        }
        assertFalse(decoded.contains("\\") || decoded.contains("\0") || path.remote().contains("/"), uri);
    }
}
