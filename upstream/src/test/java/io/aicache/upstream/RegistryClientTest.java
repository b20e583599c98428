package io.aicache.upstream;

import static io.aicache.upstream.ScriptedServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.model.Digest;
import io.aicache.model.Repository;

/** The registry-shaped calls: the requests they become, and how the registry's authenticator answers challenges. */
class RegistryClientTest {

    private static final long WAIT_SECONDS = 30;
    private static final Repository REPO = new Repository("registry.test", "org/app");
    private static final Digest DIGEST = Digest.sha256Of(new byte[0]);

    private final BlobStreamsFixture fixture = new BlobStreamsFixture();
    private final BlobStreams streams = fixture.streams;
    /** Every request head the registry received, in order. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    /** A registry that answers each request head with what {@code answer} gives for it, on kept connections. */
    private RegistryClient registry(Optional<Credentials> credentials, Function<String, String> answer) throws IOException {
        server = fixture.serve(connection -> {
            for (String head = connection.readRequest(); head != null; head = connection.readRequest()) {
                received.add(head);
                connection.write(answer.apply(head));
            }
        });
        UpstreamRegistry upstream = new UpstreamRegistry("registry.test", server.uri(""),
                credentials.map(StaticCredentials::new), false);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new RegistryClient(upstream, http, streams, Duration.ofSeconds(10),
                () -> new UpstreamHealth(5, Duration.ofSeconds(30), Clock.systemUTC()), UpstreamObserver.NONE, Runnable::run);
    }


    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Reads the body to its end; the last item's buffers go back when the reader says it is done with them. */
    private static void drain(UpstreamResponse<Flow.Publisher<List<ByteBuffer>>> response) {
        response.body().subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                subscription.request(1);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                subscription.request(1);
            }

            @Override
            public void onError(Throwable throwable) {
                subscription.cancel();
            }

            @Override
            public void onComplete() {
                subscription.cancel();
            }
        });
    }

    private String requestLine(int index) {
        String head = received.get(index);
        return head.substring(0, head.indexOf("\r\n"));
    }

    private String header(int index, String name) {
        for (String line : received.get(index).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Test
    void eachCallAsksForItsPathOfTheDistributionApi() throws Exception {
        RegistryClient client = registry(Optional.empty(), head -> ok("{}"));
        drain(await(client.blob(REPO, DIGEST)));
        drain(await(client.blob(REPO, DIGEST, new BlobRange(8, 15))));
        drain(await(client.blob(REPO, DIGEST, BlobRange.from(16))));
        await(client.manifest(REPO, "v1", List.of(), 1024));
        await(client.manifestHead(REPO, "v1", List.of("application/vnd.oci.image.index.v1+json")));
        await(client.tags(REPO, Map.of("n", List.of("10"), "last", List.of("a b"), "other", List.of("x")), 1024));
        await(client.referrers(REPO, DIGEST, List.of("application/vnd.example+json"), 1024));

        assertEquals("GET /v2/org/app/blobs/" + DIGEST + " HTTP/1.1", requestLine(0));
        assertEquals(null, header(0, "Range"));
        assertEquals("bytes=8-15", header(1, "Range"));
        assertEquals("bytes=16-", header(2, "Range"));
        assertEquals("GET /v2/org/app/manifests/v1 HTTP/1.1", requestLine(3));
        assertTrue(header(3, "Accept").contains("application/vnd.docker.distribution.manifest.v2+json"),
                "no stated preference asks for every manifest type: " + header(3, "Accept"));
        assertEquals("HEAD /v2/org/app/manifests/v1 HTTP/1.1", requestLine(4));
        assertEquals("application/vnd.oci.image.index.v1+json", header(4, "Accept"));
        assertEquals("GET /v2/org/app/tags/list?n=10&last=a+b HTTP/1.1", requestLine(5));
        assertEquals("GET /v2/org/app/referrers/" + DIGEST + "?artifactType=application%2Fvnd.example%2Bjson HTTP/1.1",
                requestLine(6));
    }

    @Test
    void aBearerChallengeIsMetWithATokenThatLaterRequestsSendAtOnce() throws Exception {
        String[] realm = new String[1];
        RegistryClient client = registry(Optional.empty(), head -> {
            if (head.startsWith("GET /token?")) {
                return ok("{\"token\":\"t1\",\"expires_in\":300}");
            }
            return head.toLowerCase(Locale.ROOT).contains("authorization: bearer t1") ? ok("{}")
                    : "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"" + realm[0]
                            + "\",service=\"registry.test\"\r\nContent-Length: 0\r\n\r\n";
        });
        realm[0] = server.uri("/token").toString();

        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());
        assertEquals(200, await(client.manifest(REPO, "v2", List.of(), 1024)).status());

        assertEquals(4, received.size(), "a 401, the token, the retry, then the second manifest at once");
        assertEquals("GET /token?service=registry.test&scope=repository%3Aorg%2Fapp%3Apull HTTP/1.1", requestLine(1));
        assertEquals(null, header(1, "Authorization"), "no credentials: an anonymous token");
        assertEquals("Bearer t1", header(3, "Authorization"));
    }

    @Test
    void aBasicChallengeIsMetWithTheCredentialsThatLaterRequestsSendAtOnce() throws Exception {
        Credentials credentials = new Credentials("robot", "s3cret");
        RegistryClient client = registry(Optional.of(credentials), head -> head.contains(credentials.basicHeader())
                ? ok("{}") : "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\n\r\n");

        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());
        assertEquals(200, await(client.blobHead(REPO, DIGEST)).status());

        assertEquals(3, received.size());
        assertEquals(null, header(0, "Authorization"));
        assertEquals(credentials.basicHeader(), header(1, "Authorization"));
        assertEquals("HEAD /v2/org/app/blobs/" + DIGEST + " HTTP/1.1", requestLine(2));
        assertEquals(credentials.basicHeader(), header(2, "Authorization"));
    }

    @Test
    void withoutCredentialsABasicChallengeIsTheAnswer() throws Exception {
        RegistryClient client = registry(Optional.empty(),
                head -> "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\n\r\n");

        assertEquals(401, await(client.manifest(REPO, "v1", List.of(), 1024)).status());
        assertEquals(1, received.size(), "nothing to retry with");
    }
}
