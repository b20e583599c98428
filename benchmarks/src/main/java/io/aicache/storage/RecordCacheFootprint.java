package io.aicache.storage;

import io.aicache.model.Digest;

/**
 * Heap per entry of the blob record cache: fills it with {@code records} sha256 records (200,000
 * by default) and prints {@code record_cache_bytes_per_record=...}, the heap in use after
 * collections divided by the count. The digests themselves are allocated before the first
 * measure (lookups come with their own); media types are shared, as registries use a handful.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.aicache.storage.RecordCacheFootprint [records]}
 */
public final class RecordCacheFootprint {

    private RecordCacheFootprint() {
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Digest[] digests = new Digest[records];
        byte[][] encoded = new byte[records][];
        for (int i = 0; i < records; i++) {
            digests[i] = Digest.sha256Of(("blob-" + i).getBytes());
            encoded[i] = RecordCodec.encodeBlob(new BlobRecord(digests[i], i, "application/vnd.oci.image.layer.v1.tar+gzip", i));
        }
        BlobRecordCache cache = new BlobRecordCache(Long.MAX_VALUE / 2);
        long before = heapInUse();
        for (int i = 0; i < records; i++) {
            byte[] record = encoded[i];
            cache.get(digests[i], key -> record);
        }
        long after = heapInUse();
        System.out.printf("records=%d record_cache_bytes_per_record=%d%n", records, (after - before) / records);
        if (cache.get(digests[0], key -> null) == null) {
            throw new IllegalStateException("the cache lost a record");
        }
    }

    private static long heapInUse() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
