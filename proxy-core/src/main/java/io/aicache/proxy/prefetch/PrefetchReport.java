package io.aicache.proxy.prefetch;

import java.util.List;

/**
 * What a prefetch of one image did.
 *
 * @param image          the image, written out in full
 * @param digest         the digest the tag pointed at
 * @param manifests      manifests resolved (an index and its chosen platforms' manifests)
 * @param blobsFetched   blobs fetched from upstream now
 * @param blobsCached    blobs that were kept already
 * @param bytesFetched   their bytes
 * @param bytesCached    their bytes
 * @param failures       blobs that could not be fetched, with the reason
 */
public record PrefetchReport(String image, String digest, int manifests, int blobsFetched, int blobsCached,
                             long bytesFetched, long bytesCached, List<String> failures) {

    public boolean succeeded() {
        return failures.isEmpty();
    }
}
