package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The registry API of a {@link FaultyUpstream}: {@code /v2/}, blobs (with Range), manifests
 * by tag (negotiated by Accept) and digest, {@code tags/list} with {@code n}/{@code last}
 * paging, and referrers. Each request is logged, then faults and authentication apply.
 */
final class RegistryApiHandler implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private enum Kind {
        BLOB("/blobs/"), MANIFEST("/manifests/"), REFERRERS("/referrers/");

        final String marker;

        Kind(String marker) {
            this.marker = marker;
        }
    }

    private final UpstreamContent content;
    private final UpstreamFaults faults;
    private final UpstreamAuth auth;
    private final RequestLog log;
    private volatile boolean filtersReferrers = true;
    private volatile BlobStorageHost storage;
    private volatile Map<String, String> everyAnswerHeaders = Map.of();

    RegistryApiHandler(UpstreamContent content, UpstreamFaults faults, UpstreamAuth auth, RequestLog log) {
        this.content = content;
        this.faults = faults;
        this.auth = auth;
        this.log = log;
    }

    /** Answers blob {@code GET}s with a redirect to a URL {@code storage} signs for the one request. */
    void redirectBlobsTo(BlobStorageHost storage) {
        this.storage = storage;
    }

    /** Sends {@code headers} with every answer from now on, whatever else it carries. */
    void sendWithEveryAnswer(Map<String, String> headers) {
        everyAnswerHeaders = Map.copyOf(headers);
    }

    /** Makes the referrers API ignore {@code artifactType}, as registries without filtering do. */
    void ignoreReferrersFilter() {
        filtersReferrers = false;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        RecordedRequest request = log.record(exchange);
        countBodyBytes(exchange, request, log);
        everyAnswerHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/token")) {
            auth.serveToken(exchange);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            UpstreamResponses.error(exchange, 405, "UNSUPPORTED", method + " is not served here", Map.of());
            return;
        }
        if (path.equals("/v2/") || path.equals("/v2")) {
            if (!auth.admits(exchange)) {
                auth.challenge(exchange, null);
                return;
            }
            UpstreamResponses.json(exchange, 200, "{}".getBytes(StandardCharsets.US_ASCII), Map.of());
            return;
        }
        if (!path.startsWith("/v2/")) {
            UpstreamResponses.error(exchange, 404, "NOT_FOUND", "no such endpoint " + path, Map.of());
            return;
        }
        String rest = path.substring("/v2/".length());
        if (rest.endsWith("/tags/list")) {
            String repository = rest.substring(0, rest.length() - "/tags/list".length());
            if (admitted(exchange, request, repository, null)) {
                tags(exchange, repository);
            }
            return;
        }
        for (Kind kind : Kind.values()) {
            int at = rest.lastIndexOf(kind.marker);
            if (at > 0) {
                String repository = rest.substring(0, at);
                String reference = rest.substring(at + kind.marker.length());
                if (admitted(exchange, request, repository, reference)) {
                    switch (kind) {
                        case BLOB -> blob(exchange, request, repository, reference);
                        case MANIFEST -> manifest(exchange, request, repository, reference);
                        default -> referrers(exchange, repository, reference);
                    }
                }
                return;
            }
        }
        UpstreamResponses.error(exchange, 404, "NOT_FOUND", "no such endpoint " + path, Map.of());
    }

    /** Makes the exchange count the body bytes it sends into {@code log}. */
    static void countBodyBytes(HttpExchange exchange, RecordedRequest request, RequestLog log) {
        exchange.setStreams(null, new CountingOutputStream(exchange.getResponseBody(), bytes -> log.sent(request, bytes)));
    }

    /** Applies a hold, a status fault or the authentication check; false when the request was answered. */
    private boolean admitted(HttpExchange exchange, RecordedRequest request, String repository, String reference)
            throws IOException {
        Optional<Fault.Gate> gate = faults.before(reference, request);
        if (gate.isPresent()) {
            try {
                gate.get().hold();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamResponses.ConnectionCut(0);
            }
        }
        Optional<Fault.Status> status = faults.status(reference, request);
        if (status.isPresent()) {
            UpstreamResponses.error(exchange, status.get().code(), "INJECTED",
                    "injected status " + status.get().code(), status.get().headers());
            return false;
        }
        if (!auth.admits(exchange)) {
            auth.challenge(exchange, repository);
            return false;
        }
        return true;
    }

    private void blob(HttpExchange exchange, RecordedRequest request, String repository, String digest) throws IOException {
        Optional<byte[]> blob = content.blob(repository, digest);
        if (blob.isEmpty()) {
            UpstreamResponses.error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry", Map.of());
            return;
        }
        BlobStorageHost redirect = storage;
        if (redirect != null && request.method().equals("GET")) {
            exchange.getResponseHeaders().set("Location", redirect.signedUrl(repository, digest).toString());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
            return;
        }
        serveBlob(exchange, request, digest, blob.get(), faults);
    }

    /**
     * Answers a blob request: whole, or the range asked for as a 206; {@code faults} may
     * change the range answered or spoil the body.
     */
    static void serveBlob(HttpExchange exchange, RecordedRequest request, String digest, byte[] bytes,
                          UpstreamFaults faults) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("Docker-Content-Digest", digest);
        headers.put("Accept-Ranges", "bytes");
        boolean get = request.method().equals("GET");
        String range = exchange.getRequestHeaders().getFirst("Range");
        Fault shape = get && range != null ? faults.shape(digest, request).orElse(null) : null;
        Fault body = get ? faults.body(digest, request).orElse(null) : null;
        if (range == null || shape instanceof Fault.IgnoreRange) {
            UpstreamResponses.send(exchange, 200, headers, bytes, body);
            return;
        }
        long[] selected = select(range, bytes.length);
        if (selected == null) {
            UpstreamResponses.error(exchange, 416, "RANGE_INVALID", "range not satisfiable",
                    Map.of("Content-Range", "bytes */" + bytes.length));
            return;
        }
        long length = selected[1] - selected[0] + 1;
        long from = selected[0];
        long claimedFirst = selected[0];
        long total = bytes.length;
        if (shape instanceof Fault.ShiftRange shift) {
            from = selected[0] + shift.by();
            claimedFirst = from;
        } else if (shape instanceof Fault.MisplaceRange misplace) {
            from = selected[0] + misplace.by();
        } else if (shape instanceof Fault.WrongTotal wrong) {
            total = wrong.total();
        }
        from = Math.max(0, Math.min(from, bytes.length - 1));
        long to = Math.min(from + length, bytes.length);
        claimedFirst = Math.max(0, Math.min(claimedFirst, bytes.length - 1));
        headers.put("Content-Range", "bytes " + claimedFirst + "-" + (claimedFirst + (to - from) - 1) + "/" + total);
        byte[] slice = Arrays.copyOfRange(bytes, (int) from, (int) to);
        UpstreamResponses.send(exchange, 206, headers, slice, body);
    }

    private void manifest(HttpExchange exchange, RecordedRequest request, String repository, String reference)
            throws IOException {
        Optional<UpstreamContent.StoredManifest> manifest = reference.startsWith("sha256:")
                ? content.manifestByDigest(repository, reference)
                : content.manifestByTag(repository, reference, accepted(exchange));
        if (manifest.isEmpty()) {
            UpstreamResponses.error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown", Map.of());
            return;
        }
        Map<String, String> headers = Map.of("Content-Type", manifest.get().mediaType(),
                "Docker-Content-Digest", manifest.get().digest());
        UpstreamResponses.send(exchange, 200, headers, manifest.get().bytes(), bodyFault(request, reference));
    }

    private void tags(HttpExchange exchange, String repository) throws IOException {
        if (!content.hasRepository(repository)) {
            UpstreamResponses.error(exchange, 404, "NAME_UNKNOWN", "repository name not known to registry", Map.of());
            return;
        }
        Map<String, String> query = query(exchange);
        List<String> tags = content.tags(repository);
        String last = query.get("last");
        if (last != null) {
            tags = tags.stream().filter(tag -> tag.compareTo(last) > 0).toList();
        }
        Map<String, String> headers = Map.of();
        if (query.containsKey("n")) {
            int n = Integer.parseInt(query.get("n"));
            if (tags.size() > n) {
                tags = tags.subList(0, n);
                headers = Map.of("Link", "</v2/" + repository + "/tags/list?n=" + n + "&last=" + tags.get(n - 1)
                        + ">; rel=\"next\"");
            }
        }
        ObjectNode body = JSON.createObjectNode().put("name", repository);
        ArrayNode list = body.putArray("tags");
        tags.forEach(list::add);
        UpstreamResponses.json(exchange, 200, JSON.writeValueAsBytes(body), headers);
    }

    private void referrers(HttpExchange exchange, String repository, String subject) throws IOException {
        String artifactType = filtersReferrers ? query(exchange).get("artifactType") : null;
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", TestBlobs.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (UpstreamContent.Referrer referrer : content.referrers(repository, subject)) {
            if (artifactType == null || artifactType.equals(referrer.artifactType())) {
                manifests.addObject().put("mediaType", referrer.mediaType()).put("digest", referrer.digest())
                        .put("size", referrer.size()).put("artifactType", referrer.artifactType());
            }
        }
        exchange.getResponseHeaders().set("Content-Type", TestBlobs.OCI_INDEX);
        Map<String, String> headers = artifactType == null ? Map.of() : Map.of("OCI-Filters-Applied", "artifactType");
        UpstreamResponses.send(exchange, 200, headers, JSON.writeValueAsBytes(index), null);
    }

    private Fault bodyFault(RecordedRequest request, String reference) {
        return request.method().equals("GET") ? faults.body(reference, request).orElse(null) : null;
    }

    /** Every media type of every Accept header, without parameters. */
    private static List<String> accepted(HttpExchange exchange) {
        return exchange.getRequestHeaders().getOrDefault("Accept", List.of()).stream()
                .flatMap(header -> Arrays.stream(header.split(",")))
                .map(type -> type.split(";")[0].trim().toLowerCase(Locale.ROOT))
                .filter(type -> !type.isEmpty())
                .toList();
    }

    /** The inclusive range selected in a body of {@code size} bytes, or {@code null} when none is. */
    static long[] select(String header, long size) {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            return suffix == 0 || size == 0 ? null : new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        return first >= size || last < first ? null : new long[] {first, last};
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }
}
