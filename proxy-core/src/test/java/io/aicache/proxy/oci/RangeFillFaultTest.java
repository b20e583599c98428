package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.aicache.proxy.testsupport.BlobStorageHost;
import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Eventually;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.FillAssertions;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * The parallel range fill against an upstream that misbehaves mid-transfer. Blobs are
 * 1.5 MB and chunks 64 KiB, so every fill is 23 range GETs, four at a time. Each test states
 * what the client receives (the exact bytes, or a body that never completes: never wrong
 * bytes taken as right), what aicache keeps (the verified blob, or nothing at all), and
 * what went upstream.
 */
class RangeFillFaultTest {

    private static final String REGISTRY = "registry.test";
    private static final String REPO = "org/app";
    private static final int CHUNK = 64 * 1024;
    private static final int SIZE = 1_500_000;
    /** 22 full chunks and a last one of 58,208 bytes. */
    private static final int CHUNKS = (SIZE + CHUNK - 1) / CHUNK;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RegistryTestClient client = new RegistryTestClient();
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private RunningAicache aicache;

    @AfterEach
    void stop() throws Exception {
        if (aicache != null) {
            aicache.close();
        }
        upstream.close();
        for (AutoCloseable closeable : closeLast) {
            closeable.close();
        }
    }

    /** Small chunks, four range GETs at once; {@code settings} are more key/value pairs. */
    private RunningAicache start(Object... settings) {
        RunningAicache.Builder builder = RunningAicache.builder().upstream(REGISTRY, upstream.endpoint())
                .set("storage.chunkSize", "64KiB")
                .set("fill.parallelism", 4);
        for (int i = 0; i < settings.length; i += 2) {
            builder.set((String) settings[i], settings[i + 1]);
        }
        aicache = builder.start();
        return aicache;
    }

    // ---- connections cut and stalled mid-body

    @Test
    void resumesEveryChunkFromTheByteWhereItsConnectionWasCut() throws IOException {
        start();
        byte[] blob = TestBlobs.random(SIZE, 1);
        String digest = upstream.addBlob(REPO, blob);
        int cut = 10_000;
        // The first request for every chunk (its Range starts on a chunk boundary) is cut after 10,000 bytes.
        upstream.inject(digest, Fault.cutAfter(cut), RecordedRequest.rangeStartsAtMultipleOf(CHUNK));

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < CHUNKS; i++) {
            long first = (long) i * CHUNK;
            long last = Math.min(SIZE, first + CHUNK) - 1;
            expected.add("bytes=" + first + "-" + last);
            expected.add("bytes=" + (first + cut) + "-" + last);
        }
        List<String> ranges = ranges(digest);
        assertEquals(2 * CHUNKS, ranges.size(), "one cut request and one resumed request per chunk: " + ranges);
        assertEquals(expected, new HashSet<>(ranges), "each retry asks from the byte where its chunk was cut");
        assertAtMostTenPercentOverhead(digest);
    }

    @Test
    void resumesFromTheCutByteWhenTheFirstRequestsAreCutWhicheverChunksTheyAre() throws IOException {
        start();
        byte[] blob = TestBlobs.random(SIZE, 2);
        String digest = upstream.addBlob(REPO, blob);
        int cut = 20_000;
        int cuts = 6;
        upstream.inject(digest, Fault.cutAfter(cut), cuts);

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        List<String> ranges = ranges(digest);
        assertEquals(CHUNKS + cuts, ranges.size(), "each cut request was resumed once: " + ranges);
        // Per chunk, the requests start at its first byte, then 20,000 further on per cut, and all end at its last byte.
        Map<Long, List<long[]>> byChunk = ranges.stream().map(RangeFillFaultTest::parseRange)
                .collect(Collectors.groupingBy(range -> range[0] / CHUNK, TreeMap::new, Collectors.toList()));
        assertEquals(CHUNKS, byChunk.size(), "every chunk was asked for: " + ranges);
        byChunk.forEach((chunk, requests) -> {
            long first = chunk * CHUNK;
            long last = Math.min(SIZE, first + CHUNK) - 1;
            List<Long> starts = requests.stream().map(range -> range[0]).sorted().toList();
            for (int k = 0; k < starts.size(); k++) {
                assertEquals(first + (long) k * cut, starts.get(k), "chunk " + chunk + " was asked from " + starts);
            }
            requests.forEach(range -> assertEquals(last, range[1], "chunk " + chunk + " ranges end at its last byte"));
        });
        assertAtMostTenPercentOverhead(digest);
    }

    @Test
    void retriesAStalledChunkFromItsLastByteAfterTheIdleTimeout() throws IOException {
        start("upstream.idleTimeout", "1s");
        byte[] blob = TestBlobs.random(SIZE, 3);
        String digest = upstream.addBlob(REPO, blob);
        long chunkStart = 5L * CHUNK;
        Fault.Stall stall = Fault.stallAfter(10_000, Duration.ofSeconds(60));
        closeLast.add(stall::release);
        upstream.inject(digest, stall, RecordedRequest.rangeStartsAt(chunkStart), 1);

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        List<String> ranges = ranges(digest);
        String resumed = "bytes=" + (chunkStart + 10_000) + "-" + (chunkStart + CHUNK - 1);
        assertTrue(ranges.contains(resumed), "the stalled chunk was asked again from byte " + (chunkStart + 10_000)
                + ": " + ranges);
    }

    // ---- faults a retry or a resumption mends: the client gets the blob, aicache keeps it

    @ParameterizedTest(name = "{0}")
    @MethodSource("mendedFaults")
    void servesAndKeepsTheBlobDespite(Mended fault) throws IOException {
        start();
        byte[] blob = TestBlobs.random(SIZE, fault.seed());
        String digest = upstream.addBlob(REPO, blob);
        fault.injection().inject(upstream, digest);

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        fault.check().check(this, digest);
    }

    static List<Mended> mendedFaults() {
        return List.of(
                // statuses a retry mends
                new Mended("retriesTheProbeAfterA500AndServesTheRightBytes", 5,
                        once(Fault.status(500), 0),
                        (test, digest) -> {
                            assertEquals(2, test.countRange(digest, chunkRange(0)),
                                    "the probe's range was asked twice");
                            assertEquals(CHUNKS + 1, test.ranges(digest).size());
                        }),
                new Mended("retriesAChunkAfterA500AndServesTheRightBytes", 6,
                        once(Fault.status(500), 9L * CHUNK),
                        (test, digest) -> {
                            assertEquals(2, test.countRange(digest, chunkRange(9L * CHUNK)));
                            assertEquals(CHUNKS + 1, test.ranges(digest).size());
                        }),
                new Mended("retriesAChunkAfterA429WithRetryAfterAndServesTheRightBytes", 7,
                        once(Fault.tooManyRequests("1"), 5L * CHUNK),
                        (test, digest) -> {
                            assertEquals(2, test.countRange(digest, chunkRange(5L * CHUNK)),
                                    "the rate-limited range was asked again");
                            assertEquals(CHUNKS + 1, test.ranges(digest).size());
                        }),
                // upstreams that ignore Range
                new Mended("fetchesAsOneStreamWhenUpstreamIgnoresRange", 8,
                        (upstream, digest) -> upstream.inject(digest, Fault.ignoreRange()),
                        (test, digest) -> {
                            assertEquals(1, test.upstream.blobRequests("GET", REPO, digest),
                                    "one stream, no range GETs after the 200");
                            assertEquals(SIZE, test.upstream.blobBytesSent(REPO, digest));
                        }),
                new Mended("resumesTheOneStreamOfAnUpstreamThatIgnoresRangeAfterACut", 9,
                        (upstream, digest) -> {
                            upstream.inject(digest, Fault.ignoreRange());
                            upstream.inject(digest, Fault.cutAfter(300_000), 1);
                        },
                        (test, digest) -> {
                            assertEquals(2, test.upstream.blobRequests("GET", REPO, digest));
                            assertEquals(List.of(chunkRange(0), "bytes=300000-" + (SIZE - 1)), test.ranges(digest),
                                    "the second request asks from the cut byte, even if upstream then sends it all");
                        }),
                new Mended("takesAChunkFromAWholeBlobAnswerWhenUpstreamIgnoresRangeForIt", 10,
                        once(Fault.ignoreRange(), 11L * CHUNK),
                        (test, digest) -> assertEquals(CHUNKS, test.upstream.blobRequests("GET", REPO, digest),
                                "the 200 was read for the chunk, not retried")),
                // wrong lengths and ranges
                new Mended("resumesAChunkWhoseBodyWasShorterThanItsContentRangeOnce", 11,
                        once(Fault.truncate(1000), 6L * CHUNK),
                        (test, digest) -> assertTrue(test.ranges(digest).contains("bytes=" + (6L * CHUNK + 1000) + "-"
                                + (6L * CHUNK + CHUNK - 1)),
                                "asked again from the end of the short body: " + test.ranges(digest))),
                new Mended("takesTheRightBytesWhenContentLengthAnnouncesMoreThanTheRangeHas", 13,
                        (upstream, digest) -> upstream.inject(digest, Fault.overlongLength(100)),
                        NOTHING_MORE),
                new Mended("recoversWhenAChunkIsAnsweredWithAnotherRangeOnce", 15,
                        once(Fault.shiftRange(4096), 8L * CHUNK),
                        (test, digest) -> assertEquals(2, test.countRange(digest, chunkRange(8L * CHUNK)))));
    }

    // ---- faults nothing mends: no body completes, nothing is kept

    @ParameterizedTest(name = "{0}")
    @MethodSource("lostFaults")
    void completesNoBodyAndKeepsNothingDespite(Lost fault) {
        start();
        byte[] blob = TestBlobs.random(SIZE, fault.seed());
        String digest = upstream.addBlob(REPO, blob);
        fault.injection().inject(upstream, digest);

        assertNoCompleteBodyAndNothingKept(digest, fault.announced());

        fault.check().check(this, digest);
    }

    static List<Lost> lostFaults() {
        return List.of(
                // wrong bytes
                new Lost("keepsNothingAndCompletesNoBodyWhenOneChunkIsCorruptEveryTime", 4, new long[] {SIZE},
                        always(Fault.corrupt(), 7L * CHUNK),
                        (test, digest) -> test.assertNoCompleteBodyAndNothingKept(digest, SIZE)),
                // wrong lengths and ranges
                new Lost("keepsNothingWhenAChunkIsAlwaysShorterThanItsContentRange", 12, new long[] {SIZE},
                        // Every answer for chunk 6 (first request and resumptions alike) stops 1000 bytes in.
                        (upstream, digest) -> upstream.inject(digest, Fault.truncate(1000),
                                request -> request.rangeStart().orElse(-1) / CHUNK == 6),
                        NOTHING_MORE),
                new Lost("keepsNothingWhenAChunkIsAlwaysAnsweredWithAnotherRange", 14, new long[] {SIZE},
                        always(Fault.shiftRange(4096), 8L * CHUNK),
                        (test, digest) -> assertTrue(test.countRange(digest, chunkRange(8L * CHUNK)) >= 2,
                                "an answer for the wrong range is retried like a dropped connection")),
                new Lost("keepsNothingWhenAContentRangeClaimsBytesThatAreNotTheOnesSent", 16, new long[] {SIZE},
                        once(Fault.misplaceRange(4096), 3L * CHUNK),
                        NOTHING_MORE),
                new Lost("keepsNothingWhenTheProbeAnnouncesABlobLargerThanItIs", 17, new long[] {SIZE + CHUNK},
                        once(Fault.wrongTotal(SIZE + CHUNK), 0),
                        NOTHING_MORE),
                new Lost("keepsNothingWhenTheProbeAnnouncesABlobSmallerThanItIs", 18, new long[] {SIZE - 1000, SIZE},
                        once(Fault.wrongTotal(SIZE - 1000), 0),
                        NOTHING_MORE),
                // statuses that are not retried
                new Lost("doesNotRetryAChunkRefusedWith403AndKeepsNothing", 24, new long[] {SIZE},
                        always(Fault.status(403), 4L * CHUNK),
                        (test, digest) -> assertEquals(1, test.countRange(digest, chunkRange(4L * CHUNK)),
                                "a 403 is not retried")),
                // 416 to the probe's bytes=0-65535, without the Content-Range "bytes */0" that would say
                // the blob is empty.
                new Lost("neverAnswersAComplete200WhenUpstreamCallsANonEmptyBlobEmpty", 31, new long[] {0},
                        once(Fault.status(416), 0),
                        NOTHING_MORE));
    }

    /** How a case sets upstream's faults for the blob. */
    @FunctionalInterface
    private interface Injection {
        void inject(FaultyUpstream upstream, String digest);
    }

    /** What a case checks beyond the outcome its group shares. */
    @FunctionalInterface
    private interface Check {
        void check(RangeFillFaultTest test, String digest);
    }

    private static final Check NOTHING_MORE = (test, digest) -> { };

    /** {@code fault} on the first request whose range starts at {@code rangeStart}. */
    private static Injection once(Fault fault, long rangeStart) {
        return (upstream, digest) -> upstream.inject(digest, fault, RecordedRequest.rangeStartsAt(rangeStart), 1);
    }

    /** {@code fault} on every request whose range starts at {@code rangeStart}. */
    private static Injection always(Fault fault, long rangeStart) {
        return (upstream, digest) -> upstream.inject(digest, fault, RecordedRequest.rangeStartsAt(rangeStart));
    }

    /** A fault the fill gets over; {@code name} says what the case shows. */
    private record Mended(String name, int seed, Injection injection, Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A fault the fill cannot get over; {@code announced} are the lengths no body may complete as. */
    private record Lost(String name, int seed, long[] announced, Injection injection, Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    // ---- tokens that expire mid-fill

    @Test
    void takesANewTokenWhenUpstreamStopsAcceptingTheOldOneMidFill() throws IOException {
        start();
        byte[] blob = TestBlobs.random(SIZE, 19);
        String digest = upstream.addBlob(REPO, blob);
        upstream.requireBearerToken();
        upstream.expireFirstTokenAfterUses(5);

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        assertTrue(upstream.tokenRequests() >= 2, "the fill asked for a new token: " + upstream.tokenRequests());
        assertTrue(upstream.refusedTokens() >= 1, "upstream refused the used-up token");
        assertEquals(CHUNKS, ranges(digest).stream().distinct().count(),
                "a refused token is renewed and the same range asked again, no chunk failed on it");
    }

    @Test
    void completesTheFillWithTokensThatExpireWithinSeconds() throws IOException {
        start();
        byte[] blob = TestBlobs.random(SIZE, 20);
        String digest = upstream.addBlob(REPO, blob);
        upstream.requireBearerToken();
        // expires_in is below aicache's 10 s safety margin: it must never send such a token twice.
        upstream.tokenLifetime(5);

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        assertTrue(upstream.tokenRequests() >= 1);
    }

    @Test
    void asksForOneNewTokenWhenParallelChunksAreRefusedTheOldOneAtOnce() throws Exception {
        start();
        byte[] blob = TestBlobs.random(SIZE, 30);
        String digest = upstream.addBlob(REPO, blob);
        upstream.requireBearerToken();
        upstream.expireFirstTokenAfterUses(6);
        // The first token request is answered; the next ones are held until the test has seen
        // the four chunk requests under way all refused.
        Fault.Gate tokens = Fault.holdBeforeAnswer();
        closeLast.add(tokens::open);
        tokens.pass(1);
        upstream.holdTokenRequests(tokens);

        CompletableFuture<HttpResponse<byte[]>> pull = client.getAsync(blobUri(digest));
        assertTrue(tokens.awaitHeld(2, WAIT), "the used-up token is renewed");
        tokens.awaitHeld(3, Duration.ofSeconds(5));
        tokens.open();

        assertWholeBlob(pull.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS), blob);
        FillAssertions.assertKept(aicache, digest, blob);
        assertEquals(2, upstream.tokenRequests(), "the chunks refused together share one token request (the "
                + "token service is rate-limited too); upstream refused " + upstream.refusedTokens() + " requests");
    }

    // ---- redirects to blob storage on another host

    @Test
    void followsRedirectsToBlobStorageWithoutCredentialsAndResolvesEveryRequestAnew() throws IOException {
        start();
        BlobStorageHost storage = BlobStorageHost.start();
        closeLast.add(storage);
        byte[] blob = TestBlobs.random(SIZE, 21);
        String digest = upstream.addBlob(REPO, blob);
        upstream.requireBearerToken();
        upstream.redirectBlobsTo(storage);
        // Two storage answers are cut: their retries must get a new signed URL from the registry,
        // since the storage refuses a URL the second time.
        storage.inject(digest, Fault.cutAfter(5000), RecordedRequest.rangeStartsAtMultipleOf(CHUNK), 2);

        assertWholeBlob(client.get(blobUri(digest)), blob);

        FillAssertions.assertKept(aicache, digest, blob);
        List<RecordedRequest> atStorage = storage.recorded();
        assertEquals(CHUNKS + 2, atStorage.size(), "every chunk, and the two resumptions, fetched from the storage");
        assertEquals(0, storage.refusedUrls(), "no signed URL was used twice");
        for (RecordedRequest request : atStorage) {
            assertTrue(request.header("Authorization").isEmpty(),
                    "the registry's credentials never go to another host: " + request);
        }
        List<RecordedRequest> redirected = upstream.recorded("GET", blobPath(digest)).stream()
                .filter(request -> request.header("Authorization").isPresent()).toList();
        assertEquals(atStorage.size(), redirected.size(), "each storage request was resolved at the registry first");
        assertEquals(atStorage.stream().map(r -> r.header("Range").orElse("")).sorted().toList(),
                redirected.stream().map(r -> r.header("Range").orElse("")).sorted().toList(),
                "the same ranges were asked of the registry and of the storage");
    }

    // ---- statuses that are not retried

    @Test
    void answersBlobUnknownWithOneUpstreamGetWhenTheProbeGets404() {
        start();
        String digest = TestBlobs.digestOf(TestBlobs.random(SIZE, 22));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(404, response.statusCode());
        assertEquals("BLOB_UNKNOWN", ErrorBody.of(response).code());
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "a 404 is not retried");
        FillAssertions.assertNothingKept(aicache, digest);
    }

    @Test
    void answersUnauthorizedWithOneUpstreamGetWhenTheProbeGets401() {
        start();
        String digest = upstream.addBlob(REPO, TestBlobs.random(SIZE, 23));
        upstream.inject(digest, Fault.status(401));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHORIZED", ErrorBody.of(response).code());
        assertEquals(1, upstream.blobRequests("GET", REPO, digest), "a 401 is not retried");
        FillAssertions.assertNothingKept(aicache, digest);
    }

    // ---- an upstream marked down, or aicache offline

    @Test
    void answersABlobMissWith503WithoutRetryingWhenOffline() {
        start("upstream.offline", true);
        String digest = upstream.addBlob(REPO, TestBlobs.random(SIZE, 27));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(503, response.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
        assertEquals(List.of(), upstream.recorded(), "nothing was sent upstream");
        FillAssertions.assertNothingKept(aicache, digest);
        assertEquals(0.0, aicache.metric("aicache_upstream_retries_total", "registry", REGISTRY),
                "an offline upstream is not worth a retry: each one only delays the 503 by its backoff");
    }

    @Test
    void failsABlobMissFastWithoutRetryingWhileUpstreamIsMarkedDown() {
        start("upstream.markDownAfter", 2, "upstream.markDownFor", "1h");
        String broken = upstream.addBlob(REPO, TestBlobs.random(SIZE, 28));
        upstream.inject(broken, Fault.status(500));
        // Two 500s mark upstream down (retries of the probe included)...
        FillAssertions.assertNoCompleteBody(client.attemptGet(blobUri(broken)), SIZE);
        assertEquals(2, upstream.blobRequests("GET", REPO, broken), "two failures, then no more requests");
        double retriesBefore = aicache.metric("aicache_upstream_retries_total", "registry", REGISTRY);
        String digest = upstream.addBlob(REPO, TestBlobs.random(SIZE, 29));

        HttpResponse<byte[]> response = client.get(blobUri(digest));

        assertEquals(503, response.statusCode());
        assertEquals("UNAVAILABLE", ErrorBody.of(response).code());
        assertEquals(0, upstream.blobRequests("GET", REPO, digest), "nothing reached the marked-down upstream");
        assertEquals(retriesBefore, aicache.metric("aicache_upstream_retries_total", "registry", REGISTRY),
                "a marked-down upstream fails requests at once; retrying them only delays the 503 by the backoff");
    }

    // ---- many readers of one fill

    @Test
    void servesEightClientsJoiningOneFillAtDifferentStagesWithOneRequestPerRange() throws Exception {
        start("upstream.idleTimeout", "120s");
        byte[] blob = TestBlobs.random(SIZE, 25);
        String digest = upstream.addBlob(REPO, blob);
        // Every range answer is held after its first KiB until the test lets it go, so the test
        // decides how far the fill is when each client joins.
        Fault.Gate gate = Fault.holdAfter(1024);
        closeLast.add(gate::open);
        upstream.inject(digest, gate);
        ExecutorService readers = Executors.newCachedThreadPool();
        closeLast.add(readers::shutdownNow);
        List<CompletableFuture<byte[]>> bodies = new ArrayList<>();

        bodies.add(pull(digest, readers));                     // before upstream answered at all
        assertTrue(gate.awaitHeld(1, WAIT), "the probe reached upstream");
        bodies.add(pull(digest, readers));                     // while the probe is held
        assertTrue(gate.awaitHeld(4, WAIT), "the first four chunks are under way");
        gate.pass(4);
        assertTrue(gate.awaitHeld(8, WAIT), "chunks 4 to 7 are under way");
        bodies.add(pull(digest, readers));
        byte[] quitterGot = pullAndHangUp(digest, 100_000);    // reads the first 100,000 bytes, then goes away
        gate.pass(4);
        assertTrue(gate.awaitHeld(12, WAIT));
        bodies.add(pull(digest, readers));
        gate.pass(4);
        assertTrue(gate.awaitHeld(16, WAIT));
        bodies.add(pull(digest, readers));
        gate.pass(4);
        assertTrue(gate.awaitHeld(20, WAIT));
        bodies.add(pull(digest, readers));
        gate.pass(4);
        assertTrue(gate.awaitHeld(CHUNKS, WAIT), "the last chunks are under way");
        bodies.add(pull(digest, readers));                     // while the last chunks are held
        gate.open();

        assertArrayEquals(Arrays.copyOf(blob, 100_000), quitterGot);
        for (CompletableFuture<byte[]> body : bodies) {
            assertArrayEquals(blob, body.get(RegistryTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "every client that stayed got the whole blob");
        }
        FillAssertions.assertKept(aicache, digest, blob);
        List<String> ranges = ranges(digest);
        assertEquals(CHUNKS, ranges.size(), "each range was fetched once for all eight clients: " + ranges);
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < CHUNKS; i++) {
            expected.add("bytes=" + (long) i * CHUNK + "-" + (Math.min(SIZE, (long) (i + 1) * CHUNK) - 1));
        }
        assertEquals(expected, new TreeSet<>(ranges));
        assertEquals(SIZE, upstream.blobBytesSent(REPO, digest));
    }

    @Test
    void answersARangeOfAColdBlobOfManyChunksWithExactlyThoseBytes() throws IOException {
        start();
        byte[] blob = TestBlobs.random(SIZE, 26);
        String digest = upstream.addBlob(REPO, blob);

        HttpResponse<byte[]> response = client.get(blobUri(digest), "Range", "bytes=1000000-1100000");

        assertEquals(206, response.statusCode());
        assertEquals("bytes 1000000-1100000/" + SIZE, response.headers().firstValue("Content-Range").orElseThrow());
        assertEquals("100001", response.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 1_000_000, 1_100_001), response.body());
        FillAssertions.assertKept(aicache, digest, blob);
    }

    @Test
    void servesAndKeepsAnEmptyBlob() throws Exception {
        start();
        String digest = upstream.addBlob(REPO, new byte[0]);

        HttpResponse<byte[]> response;
        try {
            // An empty blob has no byte 0 for the probe's Range: upstream answers 416, and the fill is planned empty.
            response = client.getAsync(blobUri(digest)).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer for an empty blob within 20 s; the fill is still "
                    + (aicache.partialFiles().isEmpty() ? "not in partial/" : "in partial/: " + aicache.partialFiles()), e);
        }

        assertWholeBlob(response, new byte[0]);
        Eventually.until(() -> "the empty blob is kept; partial/ has " + aicache.partialFiles(),
                () -> Files.exists(aicache.blobFile(digest)));
        FillAssertions.assertKept(aicache, digest, new byte[0]);
    }

    // ---- helpers

    private URI blobUri(String digest) {
        return aicache.uri(blobPath(digest));
    }

    private static String blobPath(String digest) {
        return "/v2/" + REPO + "/blobs/" + digest;
    }

    /** Starts a GET and reads its whole body on {@code readers}. */
    private CompletableFuture<byte[]> pull(String digest, ExecutorService readers) {
        return client.open(blobUri(digest)).thenApplyAsync(response -> {
            assertEquals(200, response.statusCode());
            assertEquals(Integer.toString(SIZE), response.headers().firstValue("Content-Length").orElseThrow());
            return RegistryTestClient.readAll(response.body());
        }, readers);
    }

    /** A client on a plain socket that reads the head and {@code bytes} of the body, then closes the connection. */
    private byte[] pullAndHangUp(String digest, int bytes) throws IOException {
        URI uri = blobUri(digest);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
            socket.setSoTimeout((int) RegistryTestClient.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            byte[] body = in.readNBytes(bytes);
            assertEquals(bytes, body.length, "the quitting client got its first bytes");
            return body;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed in the head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** The Range header of every GET of the blob upstream received, in arrival order. */
    private List<String> ranges(String digest) {
        return upstream.recorded("GET", blobPath(digest)).stream().map(r -> r.header("Range").orElse("(none)")).toList();
    }

    private long countRange(String digest, String range) {
        return ranges(digest).stream().filter(range::equals).count();
    }

    /** The Range header for the whole chunk that starts at {@code chunkStart}. */
    private static String chunkRange(long chunkStart) {
        return "bytes=" + chunkStart + "-" + (chunkStart + CHUNK - 1);
    }

    /** A pull of the blob completes as none of the {@code announced} lengths, and nothing of it is kept. */
    private void assertNoCompleteBodyAndNothingKept(String digest, long... announced) {
        RegistryTestClient.Attempt attempt = client.attemptGet(blobUri(digest));
        for (long length : announced) {
            FillAssertions.assertNoCompleteBody(attempt, length);
        }
        FillAssertions.assertNothingKept(aicache, digest);
    }

    private static long[] parseRange(String header) {
        String[] bounds = header.substring("bytes=".length()).split("-");
        return new long[] {Long.parseLong(bounds[0]), Long.parseLong(bounds[1])};
    }

    private void assertAtMostTenPercentOverhead(String digest) {
        long sent = upstream.blobBytesSent(REPO, digest);
        assertTrue(sent >= SIZE, "upstream sent at least the blob: " + sent);
        assertTrue(sent <= SIZE * 11L / 10, "upstream sent " + sent + " body bytes for a blob of " + SIZE
                + ": resumed ranges must not fetch again what had arrived");
    }

    private static void assertWholeBlob(HttpResponse<byte[]> response, byte[] blob) {
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(Integer.toString(blob.length), response.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(blob, response.body());
    }
}
