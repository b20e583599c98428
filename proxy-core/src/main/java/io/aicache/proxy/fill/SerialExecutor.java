package io.aicache.proxy.fill;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its tasks one at a time, in the order given, on a shared executor. A fill writes all its
 * chunks through one of these: the file system takes the file's lock for every buffered write
 * (ext4's inode lock), so chunk writers in parallel only spin on it, which cost a 1 GiB fill
 * a sixth of a CPU-second.
 */
final class SerialExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    /** Tasks run in one turn before the turn is handed back, so other users of the executor get theirs. */
    private static final int TASKS_PER_TURN = 16;

    private final Executor shared;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor shared) {
        this.shared = shared;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            shared.execute(this::runTurn);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                tasks.clear();
                scheduled = false;
            }
            throw e;
        }
    }

    private void runTurn() {
        for (int i = 0; i < TASKS_PER_TURN; i++) {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("a serial task failed", e);
            }
        }
        schedule();
    }
}
