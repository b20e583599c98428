package io.aicache.proxy.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.aicache.proxy.Aicache;
import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigException;
import io.aicache.proxy.observe.LoggingSetup;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code aicache serve}: runs the cache until the process is told to stop. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the registry cache.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    private ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        AicacheConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigException e) {
            System.err.println("aicache: " + e.getMessage());
            return 2;
        }
        LoggingSetup.apply(loaded.logging());
        // The leak detector records a stack trace for a sample of buffers: worth it in the tests,
        // a cost per request in production. -Dio.netty.leakDetection.level=simple turns it back on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Aicache aicache = Aicache.start(loaded, config::load);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            aicache.close();
            LoggingSetup.flush();
            stopped.countDown();
        }, "aicache-shutdown"));
        System.out.println("aicache serving the registry API on " + aicache.address()
                + " (data in " + loaded.storage().dataDir().toAbsolutePath() + ")");
        stopped.await();
        return 0;
    }
}
