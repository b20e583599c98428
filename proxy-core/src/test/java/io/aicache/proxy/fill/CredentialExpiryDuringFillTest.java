package io.aicache.proxy.fill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.aicache.model.Digest;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.TestBlobs;
import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.IssuedCredentials;

/**
 * A cloud registry's token expiring in the middle of a long fill: tokens live 2 s, the registry
 * refuses an expired one with 401 and cuts the bodies it was streaming under it (as an expired
 * signed URL would). A 1 GiB blob fills through 8 ranges at once; the fill must complete with the
 * right digest, every cut range resume from where it was, and credentials be renewed about once per
 * lifetime, not once per range.
 */
class CredentialExpiryDuringFillTest {

    private static final long BLOB_SIZE = 1L << 30;
    private static final int RANGES = 8;
    private static final int PATTERN_SIZE = 1 << 20;
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(2);
    /** Per connection, so the fill lasts several lifetimes even on a fast machine. */
    private static final long BYTES_PER_SECOND_PER_RANGE = 24L << 20;

    private final FillFixture fixture = new FillFixture();
    private final byte[] pattern = TestBlobs.random(PATTERN_SIZE, 41);
    private ExpiringTokenRegistry registry;

    @AfterEach
    void stop() throws IOException {
        fixture.close();
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aOneGibFillOutlivesItsTokensAndRenewsThemOncePerExpiry() throws Exception {
        registry = new ExpiringTokenRegistry(pattern);
        Digest digest = Digest.parse(registry.digest());
        AtomicInteger issued = new AtomicInteger();
        CredentialProvider ecrLike = new CredentialProvider() {
            @Override
            public IssuedCredentials issue() {
                String token = "token-" + issued.incrementAndGet();
                Instant expiresAt = Instant.now().plus(TOKEN_LIFETIME);
                registry.accept(token, expiresAt);
                return IssuedCredentials.until(new Credentials("AWS", token), expiresAt);
            }

            @Override
            public String kind() {
                return "test tokens";
            }
        };
        ExecutorService storage = Executors.newSingleThreadExecutor();
        try {
            fixture.open(storage, (int) (BLOB_SIZE / RANGES), RANGES, 2 * BLOB_SIZE);
            long started = System.nanoTime();
            Fill fill = fixture.fills.join(fixture.client(registry.endpoint(), Optional.of(ecrLike)), FillFixture.REPO, digest)
                    .fill();
            Eventually.until(() -> "the fill completes; it is " + fill.state(),
                    () -> fill.isComplete() || fill.isFailed());
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("1 GiB fill: %.1f s, %d tokens issued, %d bodies cut by expiry, %d ranges resumed%n",
                    seconds, issued.get(), registry.cutBodies(), registry.resumedRanges());

            assertTrue(fill.isComplete(), "the fill completed: " + fill.state());
            assertEquals(BLOB_SIZE, java.nio.file.Files.size(fixture.store.find(digest).orElseThrow().file()), "kept whole, under its digest");
            assertTrue(registry.cutBodies() > 0, "some bodies were cut by an expiry (the fill took " + seconds + " s)");
            assertTrue(registry.resumedRanges() >= registry.cutBodies(),
                    "each cut range was asked for again from where it stopped: " + registry.rangeStarts());
            long lifetimes = (long) Math.ceil(seconds / (TOKEN_LIFETIME.toMillis() * 0.8 / 1000.0));
            assertTrue(issued.get() <= lifetimes + 2,
                    issued.get() + " tokens for " + seconds + " s of fill: about one per lifetime, not one per range");
        } finally {
            storage.shutdownNow();
        }
    }

    /**
     * A registry serving one generated blob (a repeated random pattern, so 1 GiB costs no memory) to
     * requests with a token it accepts; a body whose token expires is cut where it stands.
     */
    private static final class ExpiringTokenRegistry implements AutoCloseable {

        private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
        private static final int PIECE = 64 * 1024;

        private record Token(String value, Instant expiresAt) {
        }

        private final byte[] pattern;
        private final String digest;
        private final HttpServer server;
        private final ExecutorService threads = Executors.newFixedThreadPool(16);
        private final List<Token> tokens = new CopyOnWriteArrayList<>();
        private final List<Long> rangeStarts = new CopyOnWriteArrayList<>();
        private final AtomicInteger cut = new AtomicInteger();

        ExpiringTokenRegistry(byte[] pattern) throws Exception {
            this.pattern = pattern;
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (long i = 0; i < BLOB_SIZE / pattern.length; i++) {
                sha256.update(pattern);
            }
            this.digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.createContext("/v2/", this::handle);
            server.setExecutor(threads);
            server.start();
        }

        String digest() {
            return digest;
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        void accept(String token, Instant expiresAt) {
            tokens.add(new Token(token, expiresAt));
        }

        int cutBodies() {
            return cut.get();
        }

        List<Long> rangeStarts() {
            return rangeStarts;
        }

        /** Range requests that start inside a chunk rather than at its first byte: resumptions. */
        long resumedRanges() {
            long chunk = BLOB_SIZE / RANGES;
            return rangeStarts.stream().filter(start -> start % chunk != 0).count();
        }

        private Optional<Token> valid(String authorization) {
            Instant now = Instant.now();
            return tokens.stream()
                    .filter(token -> Credentials.basicHeader("AWS", token.value()).equals(authorization))
                    .filter(token -> now.isBefore(token.expiresAt()))
                    .findFirst();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange; InputStream ignored = exchange.getRequestBody()) {
                Optional<Token> token = valid(exchange.getRequestHeaders().getFirst("Authorization"));
                if (token.isEmpty()) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry.test\"");
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                if (!exchange.getRequestURI().getPath().equals("/v2/org/app/blobs/" + digest)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                Matcher range = RANGE.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
                long from = 0;
                long to = BLOB_SIZE - 1;
                if (range.matches()) {
                    from = Long.parseLong(range.group(1));
                    to = Math.min(Long.parseLong(range.group(2)), BLOB_SIZE - 1);
                    rangeStarts.add(from);
                    exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + BLOB_SIZE);
                }
                exchange.sendResponseHeaders(range.matches() ? 206 : 200, to - from + 1);
                stream(exchange.getResponseBody(), from, to, token.get());
            }
        }

        /** Writes bytes {@code from..to} at the configured pace; when {@code token} expires, the connection is cut. */
        private void stream(OutputStream out, long from, long to, Token token) throws IOException {
            long started = System.nanoTime();
            long sent = 0;
            for (long at = from; at <= to; ) {
                if (!Instant.now().isBefore(token.expiresAt())) {
                    cut.incrementAndGet();
                    throw new IOException("token expired: body cut");
                }
                int offset = (int) (at % pattern.length);
                int length = (int) Math.min(Math.min(PIECE, pattern.length - offset), to - at + 1);
                out.write(pattern, offset, length);
                at += length;
                sent += length;
                long dueNanos = sent * 1_000_000_000L / BYTES_PER_SECOND_PER_RANGE;
                long aheadNanos = dueNanos - (System.nanoTime() - started);
                if (aheadNanos > 0) {
                    sleep(aheadNanos);
                }
            }
        }

        private static void sleep(long nanos) throws IOException {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
