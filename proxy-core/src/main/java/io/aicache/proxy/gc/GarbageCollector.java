package io.aicache.proxy.gc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;
import io.aicache.model.MediaTypes;
import io.aicache.model.TagReference;
import io.aicache.proxy.files.FileHistory;
import io.aicache.proxy.oci.ManifestGraph;
import io.aicache.proxy.oci.PinnedImages;
import io.aicache.storage.AccessRecord;
import io.aicache.storage.BlobRecord;
import io.aicache.storage.BlobStore;
import io.aicache.storage.TagRecord;

/**
 * Collects what no cached image needs. Tags not confirmed by upstream for longer than the tag
 * retention are dropped (pinned ones never). The roots are then the kept tags' manifests,
 * manifests used within the minimum age, and pinned images; everything they reference (index
 * children, configs, layers) stays. A blob outside that set and unused for at least the minimum
 * age is collected; one being read is left for the next run. Files by URL keep the bodies of the
 * versions their retention keeps ({@link FileHistory#retain}); older versions are forgotten first. Links of blobs to repositories go
 * with their blob, and those of blobs never kept that nothing kept references go too.
 */
public final class GarbageCollector {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final BlobStore store;
    private final PinnedImages pins;
    private final FileHistory files;
    private final ManifestGraph graph;
    private final Duration minAge;
    private final Duration tagRetention;
    private final Clock clock;

    /** @param tagRetention zero keeps tags however old */
    public GarbageCollector(BlobStore store, PinnedImages pins, FileHistory files, Duration minAge, Duration tagRetention,
                            Clock clock) {
        this.store = store;
        this.pins = pins;
        this.files = files;
        this.graph = new ManifestGraph(store);
        this.minAge = minAge;
        this.tagRetention = tagRetention;
        this.clock = clock;
    }

    /** Runs one collection; with {@code dryRun} it only reports what would go. */
    public synchronized GcReport collect(boolean dryRun) {
        long now = clock.millis();
        store.accesses().flush();
        Set<Digest> reachable = new HashSet<>();
        List<GcReport.Tag> tags = new ArrayList<>();
        List<Map.Entry<TagReference, TagRecord>> expired = new ArrayList<>();
        store.tags().forEach((key, tag) -> {
            if (!tagRetention.isZero() && now - tag.validatedAtMillis() > tagRetention.toMillis() && !pins.pinsTag(key)) {
                expired.add(Map.entry(key, tag));
            } else {
                graph.addClosure(tag.digest(), reachable);
            }
        });
        for (Map.Entry<TagReference, TagRecord> tag : expired) {
            if (dryRun || store.tags().get(tag.getKey()).filter(tag.getValue()::equals).isPresent()) {
                if (!dryRun) {
                    store.tags().delete(tag.getKey());
                }
                tags.add(new GcReport.Tag(tag.getKey().toString(), tag.getValue().digest().toString(),
                        "not confirmed by upstream for " + age(now - tag.getValue().validatedAtMillis())));
            }
        }
        List<Digest> youngManifests = new ArrayList<>();
        store.blobs().forEachWithAccess((blob, use) -> {
            if (isManifest(blob) && now - lastUse(blob, use) < minAge.toMillis()) {
                youngManifests.add(blob.digest());
            }
        });
        youngManifests.forEach(manifest -> graph.addClosure(manifest, reachable));
        FileHistory.Retention fileRetention = files.retain(dryRun);
        reachable.addAll(fileRetention.kept());
        Predicate<Digest> pinned = pins.snapshot();

        List<GcReport.Blob> blobs = new ArrayList<>();
        long[] bytes = {0};
        store.blobs().forEachWithAccess((blob, use) -> {
            long unused = now - lastUse(blob, use);
            if (reachable.contains(blob.digest()) || pinned.test(blob.digest()) || unused < minAge.toMillis()) {
                return;
            }
            if (dryRun || store.removeIfUnchanged(blob)) {
                String why = isManifest(blob) ? "manifest no kept tag points to" : "referenced by no kept manifest";
                blobs.add(new GcReport.Blob(blob.digest().toString(), blob.storedSize(), why + ", unused for " + age(unused)));
                bytes[0] += blob.storedSize();
            }
        });
        // The blobs removed took their links with them; left are the links of blobs never kept (a HEAD's, a
        // manifest's) that nothing kept references any more.
        int links = dryRun ? 0 : store.links().unlinkWhere(digest -> !reachable.contains(digest) && store.blobs().get(digest).isEmpty());
        if (!dryRun && (!blobs.isEmpty() || !tags.isEmpty() || links > 0 || !fileRetention.dropped().isEmpty())) {
            LOG.info("garbage collection removed {} blobs ({} bytes), {} tags, {} links of blobs not kept and {} file versions",
                    blobs.size(), bytes[0], tags.size(), links, fileRetention.dropped().size());
        }
        return new GcReport(dryRun, blobs, tags, bytes[0], fileRetention.dropped());
    }

    private static boolean isManifest(BlobRecord blob) {
        return MediaTypes.ALL_MANIFESTS.contains(blob.mediaType());
    }

    private static long lastUse(BlobRecord blob, AccessRecord use) {
        return use == null ? blob.storedAtMillis() : Math.max(use.lastAccessMillis(), blob.storedAtMillis());
    }

    private static String age(long millis) {
        Duration age = Duration.ofMillis(Math.max(millis, 0));
        return age.toDays() > 0 ? age.toDays() + "d" : age.toHours() > 0 ? age.toHours() + "h" : age.toMinutes() + "m";
    }
}
