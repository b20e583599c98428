package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plain HTTP/1.1 client for tests (the JDK's {@link HttpClient}): every call is bounded
 * by a generous timeout, so a hung server fails the test instead of hanging it.
 */
public final class RegistryTestClient {

    /** The longest any single exchange may take; generous for a busy 2-core machine. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** The outcome of a request whose body may legitimately fail: a response, or the failure. */
    public record Attempt(HttpResponse<byte[]> response, Throwable failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    /** {@code GET}; {@code headers} are name/value pairs. */
    public HttpResponse<byte[]> get(URI uri, String... headers) {
        return send("GET", uri, headers);
    }

    public HttpResponse<byte[]> head(URI uri, String... headers) {
        return send("HEAD", uri, headers);
    }

    /** Any method; write methods carry a small JSON body, as a pushing client's would. */
    public HttpResponse<byte[]> send(String method, URI uri, String... headers) {
        boolean write = method.equals("PUT") || method.equals("POST") || method.equals("PATCH");
        return send(method, uri, write ? "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII) : null, headers);
    }

    /** Any method with {@code body} ({@code null} for none). */
    public HttpResponse<byte[]> send(String method, URI uri, byte[] body, String... headers) {
        Attempt attempt = attempt(request(method, uri, body, headers));
        if (attempt.failed()) {
            throw new AssertionError(method + " " + uri + " failed: " + attempt.failure(), attempt.failure());
        }
        return attempt.response();
    }

    /** {@code GET} that reports a failed or cut body instead of throwing. */
    public Attempt attemptGet(URI uri, String... headers) {
        return attempt(request("GET", uri, null, headers));
    }

    /** Sends {@code GET} and completes with the whole answer; the caller bounds the wait. */
    public CompletableFuture<HttpResponse<byte[]>> getAsync(URI uri, String... headers) {
        return http.sendAsync(request("GET", uri, null, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends {@code GET} and completes when the response head arrives; the body is read from the stream. */
    public CompletableFuture<HttpResponse<InputStream>> open(URI uri, String... headers) {
        return http.sendAsync(request("GET", uri, null, headers), HttpResponse.BodyHandlers.ofInputStream());
    }

    private Attempt attempt(HttpRequest request) {
        String method = request.method();
        URI uri = request.uri();
        CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return new Attempt(response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), null);
        } catch (ExecutionException e) {
            return new Attempt(null, e.getCause());
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new AssertionError(method + " " + uri + " got no complete answer within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static HttpRequest request(String method, URI uri, byte[] body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers are name/value pairs");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    /** Reads a streamed body whole, within {@link #TIMEOUT}. */
    public static byte[] readAll(InputStream body) {
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (body) {
                return body.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return read.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("reading the body failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the body did not end within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
