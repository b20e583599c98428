package io.aicache.upstream;

import static io.aicache.upstream.ScriptedServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlobStreamsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final BlobStreamsFixture fixture = new BlobStreamsFixture();
    private final BlobStreams streams = fixture.streams;
    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }


    private UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> get(String path, Duration firstByteTimeout) throws Exception {
        return streams.send("GET", server.uri(path), Map.of(), firstByteTimeout).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void keptConnectionsServeTheNextRequest() throws Exception {
        server = fixture.serve(connection -> {
            while (connection.readRequest() != null) {
                connection.write(ok("hello"));
            }
        });
        for (int i = 0; i < 3; i++) {
            assertEquals("hello", Body.read(get("/blob", WAIT)));
        }
        assertEquals(1, server.connections());
    }

    @Test
    void aKeptConnectionTheServerClosedIsReplacedWithoutAFailure() throws Exception {
        server = fixture.serve(connection -> {
            if (connection.readRequest() != null) {
                connection.write(ok("hello"));
            }
            // no "Connection: close": the client keeps the connection and finds it closed on its next request
        });
        assertEquals("hello", Body.read(get("/blob", WAIT)));
        assertEquals("hello", Body.read(get("/blob", WAIT)));
        assertEquals(2, server.connections());
    }

    @Test
    void aKeptConnectionCutRightAfterTheNextHeadIsReplacedWithoutAFailure() throws Exception {
        AtomicInteger connection = new AtomicInteger();
        server = fixture.serve(socket -> {
            boolean first = connection.incrementAndGet() == 1;
            int answered = 0;
            while (socket.readRequest() != null) {
                if (first && answered++ == 1) {
                    // A server that closes connections after so many bytes: the head, then nothing.
                    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
                    return;
                }
                socket.write(ok("hello"));
            }
        });
        assertEquals("hello", Body.read(get("/blob", WAIT)));
        assertEquals("hello", Body.read(get("/blob", WAIT)));
        assertEquals(2, server.connections());
    }

    @Test
    void anUnwantedBodyIsReadAndDroppedAndTheConnectionServesAgain() throws Exception {
        server = fixture.serve(connection -> {
            String request;
            while ((request = connection.readRequest()) != null) {
                connection.write(request.contains("/missing")
                        ? "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot here!"
                        : ok("hello"));
            }
        });
        UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> missing = get("/missing", WAIT);
        assertEquals(404, missing.status());
        assertNull(missing.body());
        assertEquals("hello", Body.read(get("/blob", WAIT)));
        assertEquals(1, server.connections());
    }

    @Test
    void noAnswerWithinTheFirstByteTimeoutFails() throws Exception {
        server = fixture.serve(connection -> {
            connection.readRequest();
            connection.readRequest(); // silent until the client gives up
        });
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> streams.send("GET", server.uri("/blob"), Map.of(), Duration.ofMillis(200)).get(30, TimeUnit.SECONDS));
        assertInstanceOf(HttpTimeoutException.class, failure.getCause());
    }

    @Test
    void aBodyCutShortEndsInAnError() throws Exception {
        server = fixture.serve(connection -> {
            connection.readRequest();
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this much");
        });
        ExecutionException failure = assertThrows(ExecutionException.class, () -> Body.read(get("/blob", WAIT)));
        assertInstanceOf(IOException.class, failure.getCause());
    }

    @Test
    void aReaderThatStopsAskingStopsTheConnectionReading() throws Exception {
        int size = 64 << 20;
        AtomicLong written = new AtomicLong();
        server = fixture.serve(connection -> {
            connection.readRequest();
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
            byte[] piece = new byte[64 * 1024];
            for (int sent = 0; sent < size; sent += piece.length) {
                connection.write(piece);
                written.addAndGet(piece.length);
            }
        });
        Body body = new Body(1);
        get("/blob", WAIT).body().subscribe(body);
        body.firstItem.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // Socket buffers take a few MiB each way; without back-pressure the whole body would come in.
        Thread.sleep(500);
        long writtenWhileStalled = written.get();
        assertTrue(writtenWhileStalled < 32 << 20, "the server wrote " + writtenWhileStalled + " bytes to a stalled reader");
        assertFalse(body.done.isDone());
        body.askForTheRest();
        assertEquals(size, body.done.get(WAIT.toSeconds(), TimeUnit.SECONDS).length);
    }

    @Test
    void aReaderIsToldTheBodyArrivedBeforeItHasTakenAllOfIt() throws Exception {
        server = fixture.serve(connection -> {
            while (connection.readRequest() != null) {
                connection.write("HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n");
                connection.write(new byte[5000]);
                sleepQuietly(200);
                connection.write(new byte[65000]);
            }
        });
        Body body = new Body(1);
        get("/blob", WAIT).body().subscribe(body);
        body.firstItem.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        body.arrived.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(body.done.isDone(), "the body ended before its reader took the rest");
        // The connection went back to the pool when the body came in, not when it was taken.
        assertEquals(70000, Body.readBytes(get("/blob", WAIT)).length);
        assertEquals(1, server.connections());
        body.askForTheRest();
        assertEquals(70000, body.done.get(WAIT.toSeconds(), TimeUnit.SECONDS).length);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A subscriber that asks for a number of items, then for the rest on request, and collects the body. */
    private static final class Body implements Flow.Subscriber<List<ByteBuffer>>, BodyArrival {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<Void> firstItem = new CompletableFuture<>();
        private final CompletableFuture<Void> arrived = new CompletableFuture<>();
        private final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private long allowed;
        private volatile boolean unlimited;

        Body(long allowed) {
            this.allowed = allowed;
        }

        static String read(UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> response) throws Exception {
            return new String(readBytes(response), StandardCharsets.US_ASCII);
        }

        static byte[] readBytes(UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> response) throws Exception {
            Body body = new Body(Long.MAX_VALUE);
            response.body().subscribe(body);
            return body.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void bodyArrived() {
            arrived.complete(null);
        }

        void askForTheRest() {
            unlimited = true;
            subscription.request(1);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            for (ByteBuffer buffer : item) {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                bytes.writeBytes(copy);
            }
            firstItem.complete(null);
            if (unlimited || --allowed > 0) {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(bytes.toByteArray());
        }
    }
}
