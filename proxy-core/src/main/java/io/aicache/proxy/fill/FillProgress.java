package io.aicache.proxy.fill;

/**
 * Where one fill under way stands, as the admin API shows it.
 *
 * @param registry        the upstream registry the blob comes from
 * @param repository      the repository there whose scope it is fetched in
 * @param size            the blob's size as upstream announced it, or -1 before it did (or when it does not)
 * @param landed          bytes from the start that are in the partial file
 * @param rangesInFlight  range GETs on their way from upstream now
 * @param chunks          chunks the blob is planned in (0 before upstream answered)
 * @param chunksDone      chunks whole on disk
 * @param readers         clients (and prefetches) following the fill now
 * @param startedAtMillis when the fill started, in ms since the epoch
 */
public record FillProgress(String digest, String registry, String repository, String state, long size, long landed,
                           int rangesInFlight, int chunks, int chunksDone, int readers, long startedAtMillis) {
}
