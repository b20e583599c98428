package io.aicache.proxy.fill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    private final ExecutorService shared = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        shared.shutdownNow();
    }

    @Test
    void runsTasksOneAtATimeInTheOrderGiven() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(shared);
        int count = 2_000;
        List<Integer> order = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            serial.execute(() -> {
                if (running.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                order.add(index);
                running.decrementAndGet();
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(0, overlaps.get());
        assertEquals(IntStream.range(0, count).boxed().toList(), order);
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(shared);
        CountDownLatch after = new CountDownLatch(1);
        serial.execute(() -> {
            throw new IllegalStateException("a failing task, on purpose");
        });
        serial.execute(after::countDown);
        assertTrue(after.await(30, TimeUnit.SECONDS));
    }

    @Test
    void handsTheSharedThreadBackBetweenTurns() throws InterruptedException {
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor serial = new SerialExecutor(oneThread);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch otherRan = new CountDownLatch(1);
            AtomicInteger serialRunBeforeOther = new AtomicInteger();
            serial.execute(() -> await(release));
            for (int i = 0; i < 100; i++) {
                serial.execute(() -> {
                    if (otherRan.getCount() == 1) {
                        serialRunBeforeOther.incrementAndGet();
                    }
                });
            }
            oneThread.execute(otherRan::countDown);
            release.countDown();
            assertTrue(otherRan.await(30, TimeUnit.SECONDS));
            assertTrue(serialRunBeforeOther.get() < 100, "the other task waited for all 100 serial tasks");
        } finally {
            oneThread.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
