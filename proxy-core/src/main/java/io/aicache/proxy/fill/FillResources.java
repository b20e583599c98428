package io.aicache.proxy.fill;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import io.aicache.proxy.observe.Metrics;
import io.aicache.storage.BlobStore;

/** What every fill shares: the store, the storage executor, the timer, the host permits, the settings and the metrics. */
record FillResources(BlobStore store, Executor storageExecutor, ScheduledExecutorService timer, HostPermits permits,
                     FillSettings settings, Metrics metrics) {
}
