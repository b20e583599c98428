package io.aicache.proxy.fill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.model.Digest;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * The end of a fill when hashing the prefix overtakes the bookkeeping of the last chunk.
 *
 * <p>A fill's storage executor is a thread pool: the hashing pass that the last chunk's final
 * write asks for ({@code FillJob.progressed}, when the prefix grew by {@code HASH_STEP} or more
 * since the last hash) runs on another thread than that write, and may finish and report
 * ({@code FillJob.hashed}) before the writing thread has counted the chunk as done
 * ({@code FillJob.chunkDone}). Here the storage executor runs every task at once on the
 * calling thread, which is one order the pool allows: the pass starts, hashes everything and
 * reports, all before the chunk is counted. The fill must still complete.
 */
class FillCompletionRaceTest {

    /** As large as FillJob's hashing step (4 MiB), so a chunk's last byte ends a hashing step exactly. */
    private static final int CHUNK = 4 << 20;

    private final FillFixture fixture = new FillFixture();

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    @Test
    void completesAFillWhoseLastChunkToLandMovesThePrefixPastTheHashStep() throws Exception {
        // Two chunks of 4 MiB. Chunk 1 is held until chunk 0 has landed: chunk 0's last write then
        // hashes the first 4 MiB, and chunk 1's last write brings the prefix 4 MiB further, to
        // the end of the blob, and starts the last hashing pass before chunk 1 is counted done.
        byte[] blob = TestBlobs.random(2 * CHUNK, 1);
        String digest = fixture.upstream.addBlob(FillFixture.REPO.name(), blob);
        Fault.Gate second = Fault.holdAfter(1024);
        fixture.upstream.inject(digest, second, RecordedRequest.rangeStartsAt(CHUNK), 1);
        Executor sameThread = Runnable::run;
        fixture.open(sameThread, CHUNK, 2);
        Digest blobDigest = Digest.parse(digest);

        Fill fill = fixture.fills.join(fixture.client(), FillFixture.REPO, blobDigest).fill();
        assertTrue(second.awaitHeld(1, Duration.ofSeconds(30)), "chunk 1 is under way");
        Eventually.until("chunk 0 has landed while chunk 1 is held", () -> fixture.store.fills().get(blobDigest)
                .map(record -> record.landedChunks().get(0)).orElse(false));
        second.open();

        Eventually.until(() -> "the fill completes; it is " + fill.state() + " with " + fill.landed()
                + " bytes landed", fill::isComplete);
        assertArrayEquals(blob, Files.readAllBytes(fixture.store.find(blobDigest).orElseThrow().file()));
    }
}
