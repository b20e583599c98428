package io.aicache.storage;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.rocksdb.WriteOptions;

/**
 * Small named values aicache keeps across restarts (runtime pins), in the default column
 * family under {@code setting:<name>}, beside the total of blob sizes.
 */
public final class Settings {

    private final Family meta;
    private final WriteOptions syncWrite;

    Settings(Family meta, WriteOptions syncWrite) {
        this.meta = meta;
        this.syncWrite = syncWrite;
    }

    /** The value of setting {@code name}, if set. */
    public Optional<byte[]> get(String name) {
        return Optional.ofNullable(meta.get(key(name)));
    }

    /** Synced: a setting is something an operator did, which a crash must not undo. */
    public void put(String name, byte[] value) {
        meta.put(key(name), value, syncWrite);
    }

    private static byte[] key(String name) {
        return ("setting:" + name).getBytes(StandardCharsets.UTF_8);
    }
}
