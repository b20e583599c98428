package io.aicache.proxy.fill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.model.Digest;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * A fill asks for its next range once the last one's body is in, not once the disk has written
 * it: with one range at a time and the storage thread stalled, the second range still goes out.
 */
class NextRangeBeforeWriteTest {

    /** Small enough that a chunk's body fits in what a connection reads ahead of its writer (1 MiB). */
    private static final int CHUNK = 512 * 1024;

    private final FillFixture fixture = new FillFixture();
    private final PausableExecutor storage = new PausableExecutor();

    @AfterEach
    void stop() throws IOException {
        storage.resume();
        fixture.close();
        storage.thread.shutdownNow();
    }

    @Test
    void theNextRangeGoesOutWhileTheLastOneWaitsForTheDisk() throws Exception {
        byte[] blob = TestBlobs.random(2 * CHUNK, 7);
        String digest = fixture.upstream.addBlob(FillFixture.REPO.name(), blob);
        Fault.Gate first = Fault.holdAfter(1024);
        fixture.upstream.inject(digest, first, RecordedRequest.rangeStartsAt(0), 1);
        fixture.open(storage, CHUNK, 1);
        Digest blobDigest = Digest.parse(digest);

        Fill fill = fixture.fills.join(fixture.client(), FillFixture.REPO, blobDigest).fill();
        assertTrue(first.awaitHeld(1, Duration.ofSeconds(30)), "the first range is under way");
        storage.pause();
        first.open();

        Eventually.until("the second range is asked for", () -> fixture.upstream.recorded().stream()
                .anyMatch(request -> request.rangeStart().orElse(-1) == CHUNK));
        assertFalse(fixture.store.fills().get(blobDigest).map(record -> record.landedChunks().get(0)).orElse(false),
                "the first chunk is still waiting for the disk");

        storage.resume();
        Eventually.until(() -> "the fill completes; it is " + fill.state(), fill::isComplete);
        assertArrayEquals(blob, Files.readAllBytes(fixture.store.find(blobDigest).orElseThrow().file()));
    }

    /** One storage thread that can be stalled: while paused, tasks wait in order. */
    private static final class PausableExecutor implements Executor {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Queue<Runnable> held = new ArrayDeque<>();
        private boolean paused;

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (paused) {
                    held.add(task);
                    return;
                }
            }
            thread.execute(task);
        }

        synchronized void pause() {
            paused = true;
        }

        void resume() {
            Queue<Runnable> tasks;
            synchronized (this) {
                paused = false;
                tasks = new ArrayDeque<>(held);
                held.clear();
            }
            tasks.forEach(thread::execute);
        }
    }
}
