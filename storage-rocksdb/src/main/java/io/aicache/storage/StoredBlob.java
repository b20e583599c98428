package io.aicache.storage;

import java.nio.file.Path;

/** A complete, verified blob on disk: its index record and its read-only file. */
public record StoredBlob(BlobRecord record, Path file) {
}
