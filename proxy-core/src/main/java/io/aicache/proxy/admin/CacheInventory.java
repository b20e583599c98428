package io.aicache.proxy.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

import io.aicache.model.Digest;
import io.aicache.proxy.oci.ManifestGraph;
import io.aicache.storage.AccessRecord;
import io.aicache.storage.BlobRecord;
import io.aicache.storage.BlobStore;

/** What the cache holds, for people: kept tags with their images' sizes, and blobs by last use. */
public final class CacheInventory {

    private final BlobStore store;
    private final ManifestGraph graph;

    public CacheInventory(BlobStore store, ManifestGraph graph) {
        this.store = store;
        this.graph = graph;
    }

    /**
     * A kept tag and what of its image is kept.
     *
     * @param image       {@code registry/repository:tag}
     * @param keptBytes   bytes of the manifests, configs and layers of the image that are kept
     * @param lastUsed    the latest use of any of them (ms since the epoch; 0 if none recorded)
     */
    record ImageEntry(String image, String digest, String mediaType, long validatedAt, int blobsKept, long keptBytes,
                      long lastUsed) {
    }

    /** A kept blob and its use. */
    record BlobEntry(String digest, long size, String mediaType, long storedAt, long lastUsed, long hits) {
    }

    /** Every kept tag whose key starts with {@code prefix} (empty: all), in key order. */
    List<ImageEntry> images(String prefix) {
        List<ImageEntry> images = new ArrayList<>();
        store.tags().forEach((tagReference, tag) -> {
            String key = tagReference.toString();
            if (!key.startsWith(prefix)) {
                return;
            }
            Set<Digest> closure = graph.closure(tag.digest());
            int kept = 0;
            long bytes = 0;
            long lastUsed = 0;
            for (Digest digest : closure) {
                var record = store.blobs().get(digest);
                if (record.isPresent()) {
                    kept++;
                    bytes += record.get().size();
                    lastUsed = Math.max(lastUsed, store.blobs().access(digest).map(AccessRecord::lastAccessMillis).orElse(0L));
                }
            }
            images.add(new ImageEntry(key, tag.digest().toString(), tag.mediaType(), tag.validatedAtMillis(), kept, bytes,
                    lastUsed));
        });
        return images;
    }

    /** The {@code limit} most recently used kept blobs, most recent first. */
    List<BlobEntry> blobs(int limit) {
        Comparator<BlobEntry> byUse = Comparator.comparingLong(BlobEntry::lastUsed).thenComparing(BlobEntry::digest);
        PriorityQueue<BlobEntry> latest = new PriorityQueue<>(byUse);
        store.blobs().forEach((BlobRecord blob) -> {
            AccessRecord access = store.blobs().access(blob.digest()).orElse(new AccessRecord(blob.storedAtMillis(), 0));
            latest.add(new BlobEntry(blob.digest().toString(), blob.size(), blob.mediaType(), blob.storedAtMillis(),
                    access.lastAccessMillis(), access.hits()));
            if (latest.size() > limit) {
                latest.poll();
            }
        });
        List<BlobEntry> blobs = new ArrayList<>(latest);
        blobs.sort(byUse.reversed());
        return blobs;
    }
}
