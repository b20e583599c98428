package io.aicache.proxy.oci;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.aicache.model.Digest;
import io.aicache.model.MediaTypes;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.upstream.UpstreamHeaders;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;

/**
 * Fetches manifests from upstream and verifies them: the bytes must hash to the digest that
 * was asked for, or to the {@code Docker-Content-Digest} upstream announced for a tag.
 * Concurrent requests for the same manifest share one upstream request, and a manifest upstream
 * said it does not have is not asked for again for {@code notFoundTtl}: a typo repeated by a
 * thousand nodes costs upstream one request.
 */
final class ManifestFetcher {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most names a fleet mistypes at once; each entry is a few hundred bytes. */
    private static final int MAX_REMEMBERED_MISSES = 100_000;

    private final long maxBytes;
    private final InFlight<Manifest> inFlight = new InFlight<>();
    /** Repository and reference of manifests upstream answered 404 for, or {@code null} when they are not remembered. */
    private final Cache<String, Boolean> notFound;

    ManifestFetcher(long maxBytes, Duration notFoundTtl) {
        this.maxBytes = maxBytes;
        this.notFound = notFoundTtl.isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(notFoundTtl).maximumSize(MAX_REMEMBERED_MISSES).build();
    }

    CompletableFuture<Manifest> fetch(Target target, String reference, List<String> accepted) {
        String missKey = target.repository() + "|" + reference;
        if (notFound != null && notFound.getIfPresent(missKey) != null) {
            return CompletableFuture.failedFuture(new UpstreamStatusException(target.registryName(), 404,
                    UpstreamHeaders.none()));
        }
        String key = missKey + "|" + String.join(",", accepted);
        return inFlight.join(key, () -> target.client().manifest(target.repository(), reference, accepted, maxBytes)
                .thenApply(response -> verify(target, reference, response))
                .whenComplete((manifest, failure) -> {
                    if (notFound != null && failure != null && UpstreamFailureTranslator.unwrap(failure)
                            instanceof UpstreamStatusException status && status.status() == 404) {
                        notFound.put(missKey, Boolean.TRUE);
                    }
                }));
    }

    /** The digest upstream gives for {@code reference} now, from a HEAD; empty when it gave none. */
    CompletableFuture<Optional<Digest>> currentDigest(Target target, String tag, List<String> accepted) {
        return target.client().manifestHead(target.repository(), tag, accepted).thenApply(response -> {
            if (!response.isSuccess()) {
                throw new UpstreamStatusException(target.registryName(), response.status(), response.headers());
            }
            return response.header("Docker-Content-Digest").flatMap(ManifestFetcher::parseDigest);
        });
    }

    private static Manifest verify(Target target, String reference, UpstreamResponse<byte[]> response) {
        if (!response.isSuccess()) {
            throw new UpstreamStatusException(target.registryName(), response.status(), response.headers());
        }
        byte[] bytes = response.body();
        Digest expected = Digest.looksLikeDigest(reference) ? Digest.parse(reference)
                : response.header("Docker-Content-Digest").flatMap(ManifestFetcher::parseDigest).orElse(null);
        Digest digest = expected != null ? expected : Digest.sha256Of(bytes);
        if (!digest.matches(digest.newHasher().digest(bytes))) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "upstream " + target.registryName()
                    + " served manifest " + reference + " with bytes that do not match " + digest + "; nothing was kept");
        }
        return new Manifest(digest, mediaType(response, bytes), bytes);
    }

    /** The Content-Type upstream gave, or else the manifest's own {@code mediaType} field. */
    private static String mediaType(UpstreamResponse<byte[]> response, byte[] bytes) {
        Optional<String> header = response.header("Content-Type").map(MediaTypes::withoutParameters)
                .filter(type -> !type.isEmpty() && !type.equals("application/octet-stream") && !type.equals("text/plain"));
        if (header.isPresent()) {
            return header.get();
        }
        try {
            JsonNode json = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            return json.path("mediaType").asText(MediaTypes.OCI_MANIFEST);
        } catch (java.io.IOException e) {
            return MediaTypes.OCI_MANIFEST;
        }
    }

    private static Optional<Digest> parseDigest(String text) {
        try {
            return Optional.of(Digest.parse(text.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
