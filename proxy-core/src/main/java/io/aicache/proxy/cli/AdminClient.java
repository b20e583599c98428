package io.aicache.proxy.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Talks to a running aicache's admin API; failures become {@link AdminException}s that say what went wrong. */
final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    AdminClient(URI server, String token) {
        this.server = server;
        this.token = token;
    }

    JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    JsonNode delete(String path) {
        return json(send(request(path).DELETE()));
    }

    JsonNode post(String path, JsonNode body) {
        return json(send(request(path).POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    /** GETs {@code path} (relative to the server, as {@code helm/<repo>/index.yaml}) and returns the body as it is. */
    byte[] download(String path) {
        HttpResponse<byte[]> response = call(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    /** Posts {@code body} and hands each JSON line of the streamed answer to {@code onLine} as it arrives. */
    void stream(String path, JsonNode body, Consumer<JsonNode> onLine) {
        HttpResponse<InputStream> response = call(request(path).POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw failure(response.statusCode(), lines.lines().reduce("", String::concat));
            }
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isBlank()) {
                    onLine.accept(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new AdminException("the answer from " + server + " broke off: " + e.getMessage());
        }
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    private String send(HttpRequest.Builder request) {
        HttpResponse<String> response = call(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        return response.body();
    }

    private <T> HttpResponse<T> call(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (ConnectException e) {
            throw new AdminException("cannot reach aicache at " + server + " (is it running? --server names another)");
        } catch (IOException e) {
            throw new AdminException("request to " + server + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    /** The message of the spec's JSON error body, or the raw body. */
    private static AdminException failure(int status, String body) {
        String message = body;
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                message = errors.get(0).path("message").asText(body);
            }
        } catch (IOException e) {
            // not JSON: the raw body says it
        }
        return new AdminException(status == 401 ? "aicache refused the admin token (" + message + ")"
                : "aicache answered " + status + ": " + message);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AdminException("aicache's answer is not JSON: " + e.getMessage());
        }
    }

    /** A request to the admin API that did not succeed. */
    static final class AdminException extends RuntimeException {
        AdminException(String message) {
            super(message);
        }
    }
}
