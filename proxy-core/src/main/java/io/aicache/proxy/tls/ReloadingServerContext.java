package io.aicache.proxy.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.config.TlsConfig;
import io.netty.handler.ssl.SslContext;

/**
 * The registry listener's TLS context, built from the configured PEM files and built again
 * when either file changes (checked every {@code checkEvery}): certificates renewed on disk
 * take effect without a restart. A change that cannot be read keeps the context in use.
 */
public final class ReloadingServerContext {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingServerContext.class);

    private final Path certFile;
    private final Path keyFile;
    private volatile SslContext current;
    private List<FileTime> stamps;

    private ReloadingServerContext(TlsConfig config, ScheduledExecutorService timer) throws IOException {
        this.certFile = config.certFile();
        this.keyFile = config.keyFile();
        this.stamps = stamps();
        this.current = build();
        long every = config.checkEvery().toMillis();
        timer.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /** Reads the files now (failing when they cannot be used) and checks them on {@code timer} until it shuts down. */
    public static ReloadingServerContext start(TlsConfig config, ScheduledExecutorService timer) {
        try {
            return new ReloadingServerContext(config, timer);
        } catch (IOException e) {
            throw new IllegalArgumentException("server.tls: " + e.getMessage(), e);
        }
    }

    /** The context new connections get. */
    public SslContext current() {
        return current;
    }

    private void reloadIfChanged() {
        try {
            List<FileTime> now = stamps();
            if (now.equals(stamps)) {
                return;
            }
            // Taken before building: a file that cannot be used is tried again when it changes, not every check.
            stamps = now;
            current = build();
            LOG.info("TLS certificate reloaded from {}", certFile);
        } catch (IOException | RuntimeException e) {
            LOG.warn("TLS certificate in {} changed but cannot be used, keeping the one in use: {}", certFile, e.getMessage());
        }
    }

    private List<FileTime> stamps() throws IOException {
        return List.of(Files.getLastModifiedTime(certFile), Files.getLastModifiedTime(keyFile));
    }

    private SslContext build() throws IOException {
        return TlsProvider.serverContext(Pem.readPrivateKey(keyFile), Pem.readCertificates(certFile));
    }
}
