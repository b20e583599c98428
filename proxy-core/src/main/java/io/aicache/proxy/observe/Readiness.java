package io.aicache.proxy.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.aicache.storage.BlobStore;
import io.aicache.upstream.RegistryClient;

/**
 * Whether aicache can serve pulls: the index answers, the data directory is writable, and at
 * least one upstream is up (or not yet asked: nothing says it is down) or something is kept to
 * serve. A disk short of room does not make aicache unready (misses pass through without being
 * kept); the disk check says so.
 */
public final class Readiness {

    /** One check's verdict and what it saw. */
    public record Check(boolean ok, String detail) {
    }

    private final BlobStore store;
    private final Path dataDir;
    private final long minFreeBytes;
    private final Collection<RegistryClient> upstreams;

    public Readiness(BlobStore store, Path dataDir, long minFreeBytes, Collection<RegistryClient> upstreams) {
        this.store = store;
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeBytes;
        this.upstreams = upstreams;
    }

    public Map<String, Check> checks() {
        Map<String, Check> checks = new LinkedHashMap<>();
        boolean somethingKept;
        try {
            somethingKept = store.blobs().any();
            checks.put("index", new Check(true, "open"));
        } catch (RuntimeException e) {
            somethingKept = false;
            checks.put("index", new Check(false, e.getMessage()));
        }
        checks.put("disk", disk());
        long unchecked = upstreams.stream().filter(client -> !client.isChecked()).count();
        long up = upstreams.stream().filter(client -> client.isChecked() && !client.isDown()).count();
        checks.put("upstreams", new Check(up + unchecked > 0 || somethingKept, up + " of " + upstreams.size() + " up"
                + (unchecked > 0 ? ", " + unchecked + " not yet checked" : "")
                + (up + unchecked == 0 && somethingKept ? "; serving what is kept" : "")));
        return checks;
    }

    private Check disk() {
        try {
            long free = Files.getFileStore(dataDir).getUsableSpace();
            if (!Files.isWritable(dataDir)) {
                return new Check(false, dataDir + " is not writable");
            }
            String room = (free >> 20) + " MiB free, " + (minFreeBytes >> 20) + " MiB needed";
            return new Check(true, free >= minFreeBytes ? room
                    : room + ": pass-through, misses are served from upstream without being kept");
        } catch (IOException e) {
            return new Check(false, "cannot read free space of " + dataDir + ": " + e.getMessage());
        }
    }
}
