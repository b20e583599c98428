package io.aicache.storage;

import java.io.IOException;
import java.nio.file.Path;

import io.aicache.benchmarks.TemporaryDirectory;
import io.aicache.model.Digest;
import io.aicache.model.Repository;

/**
 * Heap per blob of the links' in-memory front: links {@code blobs} sha256 blobs (100,000 by default,
 * what the front holds) to one repository each, in a few repositories, reads every link once and
 * prints {@code link_front_bytes_per_blob=...}, the heap in use after collections divided by the
 * count. The digests and requests' repositories are allocated before the first measure.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.aicache.storage.LinkFrontFootprint [blobs]}
 */
public final class LinkFrontFootprint {

    private LinkFrontFootprint() {
    }

    public static void main(String[] args) throws IOException {
        int blobs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Repository[] repositories = new Repository[16];
        for (int i = 0; i < repositories.length; i++) {
            repositories[i] = new Repository("registry.test", "team-" + i + "/app");
        }
        Digest[] digests = new Digest[blobs];
        Path directory = TemporaryDirectory.create("aicache-link-footprint");
        try (CacheIndex index = CacheIndex.open(directory, 64L << 20)) {
            BlobLinks links = index.links();
            for (int i = 0; i < blobs; i++) {
                digests[i] = Digest.sha256Of(("blob-" + i).getBytes());
                links.link(repositories[i % repositories.length].blob(digests[i]));
            }
            long before = heapInUse();
            for (int i = 0; i < blobs; i++) {
                if (!links.has(repositories[i % repositories.length].blob(digests[i]))) {
                    throw new IllegalStateException("a link was lost");
                }
            }
            long after = heapInUse();
            System.out.printf("blobs=%d link_front_bytes_per_blob=%d%n", blobs, (after - before) / blobs);
        } finally {
            TemporaryDirectory.delete(directory);
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
