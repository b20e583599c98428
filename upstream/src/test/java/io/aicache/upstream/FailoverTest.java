package io.aicache.upstream;

import static io.aicache.upstream.ScriptedServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.model.Digest;
import io.aicache.model.Repository;

/** A registry with several endpoints: which one is asked, what it is sent, and when the registry is down. */
class FailoverTest {

    private static final long WAIT_SECONDS = 30;
    private static final Repository REPO = new Repository("registry.test", "org/app");
    private static final Digest DIGEST = Digest.sha256Of(new byte[0]);

    private final BlobStreamsFixture fixture = new BlobStreamsFixture();
    /** What the observer was told, as {@code served <endpoint>} and {@code <from> -> <to>} lines. */
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private final UpstreamObserver observer = new UpstreamObserver() {
        @Override
        public void served(String registry, UpstreamEndpoint endpoint) {
            observed.add("served " + endpoint);
        }

        @Override
        public void failedOver(String registry, UpstreamEndpoint from, UpstreamEndpoint to) {
            observed.add(from + " -> " + to);
        }
    };

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    /**
     * A server that answers each request head with what {@code answer} gives, and records the heads in
     * {@code heads}; once {@code dead} is set, it drops every connection it is sent a request on.
     */
    private ScriptedServer server(List<String> heads, AtomicBoolean dead, Function<String, String> answer)
            throws IOException {
        return fixture.serve(connection -> {
            for (String head = connection.readRequest(); head != null && !dead.get(); head = connection.readRequest()) {
                heads.add(head);
                connection.write(answer.apply(head));
            }
        });
    }

    private ScriptedServer server(List<String> heads, Function<String, String> answer) throws IOException {
        return server(heads, new AtomicBoolean(), answer);
    }

    /** An endpoint nothing listens on: connections are refused. */
    private URI refusing() throws IOException {
        ScriptedServer gone = fixture.serve(connection -> { });
        URI uri = gone.uri("");
        gone.close();
        return uri;
    }

    private RegistryClient client(int markDownAfter, UpstreamEndpoint... endpoints) {
        return client(Optional.empty(), markDownAfter, endpoints);
    }

    private RegistryClient client(Optional<CredentialProvider> credentials, int markDownAfter,
                                  UpstreamEndpoint... endpoints) {
        UpstreamRegistry registry = new UpstreamRegistry("registry.test", List.of(endpoints), credentials, false,
                List.of());
        HttpClient http = UpstreamClients.newClient(Duration.ofSeconds(5)).build();
        return new RegistryClient(registry, http, fixture.streams, Duration.ofSeconds(10),
                () -> new UpstreamHealth(markDownAfter, Duration.ofMinutes(10), Clock.systemUTC()), observer, Runnable::run);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static String requestLine(List<String> heads, int index) {
        return heads.get(index).substring(0, heads.get(index).indexOf("\r\n"));
    }

    @Test
    void aRefusedEndpointPassesTheRequestToTheNext() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        UpstreamEndpoint first = UpstreamEndpoint.of(refusing());
        UpstreamEndpoint second = UpstreamEndpoint.of(server(heads, head -> ok("{}")).uri(""));
        RegistryClient client = client(5, first, second);

        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());

        assertEquals("GET /v2/org/app/manifests/v1 HTTP/1.1", requestLine(heads, 0));
        assertEquals(List.of(first + " -> " + second, "served " + second), observed);
        assertFalse(client.isDown());
    }

    @Test
    void aServerErrorPassesTheRequestToTheNextAndTheLastOneIsTheAnswer() throws Exception {
        List<String> firstHeads = new CopyOnWriteArrayList<>();
        List<String> secondHeads = new CopyOnWriteArrayList<>();
        String unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
        UpstreamEndpoint first = UpstreamEndpoint.of(server(firstHeads, head -> unavailable).uri(""));
        UpstreamEndpoint second = UpstreamEndpoint.of(server(secondHeads, head -> head.startsWith("HEAD")
                ? unavailable : ok("{}")).uri(""));
        RegistryClient client = client(5, first, second);

        assertEquals(503, await(client.blobHead(REPO, DIGEST)).status(),
                "both answered 503: the last endpoint's answer is the request's");
        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());

        assertEquals(2, firstHeads.size());
        assertEquals(2, secondHeads.size());
        assertEquals(List.of(first + " -> " + second, "served " + second, first + " -> " + second, "served " + second),
                observed);
    }

    @Test
    void aBodyTooLargeIsNotPassedOnAnotherEndpointWouldSendTheSame() throws Exception {
        List<String> secondHeads = new CopyOnWriteArrayList<>();
        UpstreamEndpoint first = UpstreamEndpoint.of(server(new CopyOnWriteArrayList<>(), head -> ok("x".repeat(2048))).uri(""));
        UpstreamEndpoint second = UpstreamEndpoint.of(server(secondHeads, head -> ok("{}")).uri(""));
        RegistryClient client = client(5, first, second);

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> await(client.manifest(REPO, "v1", List.of(), 1024)));

        assertInstanceOf(BodyTooLargeException.class, RetryPolicy.unwrap(failed.getCause()));
        assertEquals(List.of(), secondHeads);
    }

    @Test
    void theRegistryIsDownOnlyWhenEveryEndpointIs() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        AtomicBoolean secondDead = new AtomicBoolean();
        UpstreamEndpoint first = UpstreamEndpoint.of(refusing());
        UpstreamEndpoint second = UpstreamEndpoint.of(server(heads, secondDead, head -> ok("{}")).uri(""));
        RegistryClient client = client(1, first, second);

        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());
        assertFalse(client.isDown(), "the first endpoint is marked down, the second is up");
        assertEquals(200, await(client.manifest(REPO, "v2", List.of(), 1024)).status());
        assertEquals(List.of(first + " -> " + second, "served " + second, "served " + second), observed,
                "a marked-down endpoint is passed over without a try");

        secondDead.set(true);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> await(client.manifest(REPO, "v3", List.of(), 1024)));
        assertFalse(failed.getCause() instanceof UpstreamDownException, "the request was sent: its failure is the answer");
        assertTrue(client.isDown());
        ExecutionException down = assertThrows(ExecutionException.class,
                () -> await(client.manifest(REPO, "v4", List.of(), 1024)));
        assertInstanceOf(UpstreamDownException.class, down.getCause());
    }

    @Test
    void aMirrorThatTakesNsIsToldTheRegistryAfterTheRequestsOwnParameters() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        RegistryClient client = client(5, new UpstreamEndpoint(server(heads, head -> ok("{}")).uri("/"), true));

        await(client.manifest(REPO, "v1", List.of(), 1024));
        await(client.tags(REPO, Map.of("n", List.of("10"), "last", List.of("a b")), 1024));
        await(client.referrers(REPO, DIGEST, List.of("application/vnd.example+json"), 1024));

        assertEquals("GET /v2/org/app/manifests/v1?ns=registry.test HTTP/1.1", requestLine(heads, 0));
        assertEquals("GET /v2/org/app/tags/list?n=10&last=a+b&ns=registry.test HTTP/1.1", requestLine(heads, 1));
        assertEquals("GET /v2/org/app/referrers/" + DIGEST
                + "?artifactType=application%2Fvnd.example%2Bjson&ns=registry.test HTTP/1.1", requestLine(heads, 2));
    }

    @Test
    void eachEndpointGetsItsOwnTokenAndNoneIsSentToAnotherHost() throws Exception {
        List<String> firstHeads = new CopyOnWriteArrayList<>();
        List<String> secondHeads = new CopyOnWriteArrayList<>();
        AtomicBoolean firstDead = new AtomicBoolean();
        ScriptedServer[] servers = new ScriptedServer[2];
        servers[0] = server(firstHeads, firstDead, tokenRegistry("first-token", () -> servers[0].uri("/token")));
        servers[1] = server(secondHeads, tokenRegistry("second-token", () -> servers[1].uri("/token")));
        RegistryClient client = client(5, UpstreamEndpoint.of(servers[0].uri("")), UpstreamEndpoint.of(servers[1].uri("")));

        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());
        firstDead.set(true);
        assertEquals(200, await(client.manifest(REPO, "v2", List.of(), 1024)).status());

        assertTrue(secondHeads.stream().noneMatch(head -> head.toLowerCase(Locale.ROOT).contains("first-token")),
                "the first endpoint's token stays with it: " + secondHeads);
        assertEquals(3, secondHeads.size(), "a 401, its own token, the retry: " + secondHeads);
        assertTrue(secondHeads.get(2).contains("Bearer second-token"), secondHeads.get(2));
    }

    @Test
    void aParentCacheIsNeverOfferedTheRegistrysCredentials() throws Exception {
        List<String> parentHeads = new CopyOnWriteArrayList<>();
        List<String> registryHeads = new CopyOnWriteArrayList<>();
        Function<String, String> basicRealm = head -> head.contains("Authorization: Basic") ? ok("{}")
                : "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\n\r\n";
        URI parent = server(parentHeads, basicRealm).uri("");
        URI registryItself = server(registryHeads, basicRealm).uri("");
        RegistryClient client = client(Optional.of(new StaticCredentials(new Credentials("robot", "s3cret"))), 5,
                UpstreamEndpoint.parent(parent), UpstreamEndpoint.of(registryItself));

        assertEquals(401, await(client.manifest(REPO, "v1", List.of(), 1024)).status(),
                "the parent's challenge is its answer: the registry's credentials cannot meet it");
        assertTrue(parentHeads.stream().noneMatch(head -> head.contains("Authorization")), parentHeads.toString());
        assertEquals("GET /v2/org/app/manifests/v1?ns=registry.test HTTP/1.1", requestLine(parentHeads, 0));
        assertTrue(registryHeads.isEmpty(), "a 401 is an answer, not a failure to fail over from");

        client = client(Optional.of(new StaticCredentials(new Credentials("robot", "s3cret"))), 5,
                UpstreamEndpoint.of(registryItself));
        assertEquals(200, await(client.manifest(REPO, "v1", List.of(), 1024)).status());
        assertTrue(registryHeads.get(1).contains("Authorization: Basic"), "the registry itself is offered them");
    }

    /** A registry whose realm hands out {@code token} and that admits only requests carrying it. */
    private static Function<String, String> tokenRegistry(String token, Supplier<URI> realm) {
        return head -> {
            if (head.startsWith("GET /token?")) {
                return ok("{\"token\":\"" + token + "\",\"expires_in\":300}");
            }
            return head.contains("Bearer " + token) ? ok("{}")
                    : "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"" + realm.get()
                            + "\",service=\"registry.test\"\r\nContent-Length: 0\r\n\r\n";
        };
    }
}
