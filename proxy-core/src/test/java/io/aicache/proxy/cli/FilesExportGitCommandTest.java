package io.aicache.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FilesExportGitCommandTest {

    @Test
    void theFileInTheRepositoryIsTheLastSegmentDecodedAndNeverAPathOrGitsOwn() {
        assertEquals("cert-manager.yaml", FilesExportGitCommand.fileName("github/org/repo/releases/download/v1.16.2/cert-manager.yaml"));
        assertEquals("my_file_.yaml", FilesExportGitCommand.fileName("raw/org/my%20file%3F.yaml"));
        assertEquals("a+b.yaml", FilesExportGitCommand.fileName("raw/org/a+b.yaml"));
        assertEquals("file", FilesExportGitCommand.fileName("raw/org/.git"));
        assertEquals("file", FilesExportGitCommand.fileName("raw/org/%2e%2e"));
    }
}
