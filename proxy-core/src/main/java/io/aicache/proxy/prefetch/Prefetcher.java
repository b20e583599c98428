package io.aicache.proxy.prefetch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.model.Digest;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.proxy.oci.Manifest;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.oci.Target;

/**
 * Warms the cache with whole images before anyone pulls them: the tag, the manifests of the
 * chosen platforms, and every config and layer they name, each through the same manifest
 * lookup and blob fill a client's pull uses (so a prefetch and a pull of the same blob share
 * one transfer).
 */
public final class Prefetcher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OciApi oci;
    private final Predicate<String> isConfiguredRegistry;

    public Prefetcher(OciApi oci, Predicate<String> isConfiguredRegistry) {
        this.oci = oci;
        this.isConfiguredRegistry = isConfiguredRegistry;
    }

    /**
     * Fetches {@code image} ({@code docker.io/library/nginx:1.25}, {@code nginx:1.25},
     * {@code ghcr.io/org/app@sha256:...}) for {@code platforms} ({@code linux/amd64}; none: all).
     * Fails when the image cannot be resolved; blobs that cannot be fetched are listed in the
     * report's failures.
     */
    public CompletableFuture<PrefetchReport> prefetch(String image, List<String> platforms, PrefetchProgress progress) {
        ImageReference reference;
        Target target;
        PlatformFilter filter;
        try {
            reference = ImageReference.parse(image, isConfiguredRegistry);
            filter = PlatformFilter.of(platforms);
            target = oci.target(reference.registry(), reference.repository());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RegistryException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("image '" + image + "': " + e.getMessage(), e));
        }
        ImagePlan plan = new ImagePlan();
        return oci.manifest(target, reference.reference())
                .thenCompose(root -> collect(target, root, filter, plan).thenApply(ignored -> root))
                .thenCompose(root -> {
                    progress.resolved(reference, root.digest(), plan.blobs.size(), plan.bytes());
                    return warmAll(target, plan, progress).thenApply(outcome -> outcome.report(reference, root, plan));
                })
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        new PrefetchException(reference + ": " + UpstreamFailureTranslator.unwrap(failure).getMessage(),
                                UpstreamFailureTranslator.unwrap(failure))));
    }

    /** Walks an index to its chosen platforms' manifests, and each manifest to its config and layers. */
    private CompletableFuture<Void> collect(Target target, Manifest manifest, PlatformFilter filter, ImagePlan plan) {
        plan.manifests.incrementAndGet();
        JsonNode json;
        try {
            json = JSON.readTree(manifest.bytes());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new PrefetchException("manifest " + manifest.digest() + " is not JSON", e));
        }
        if (json.has("manifests")) {
            List<CompletableFuture<Void>> children = new ArrayList<>();
            for (JsonNode child : json.get("manifests")) {
                if (filter.all() || child.has("platform") && filter.matches(child.get("platform"))) {
                    children.add(oci.manifest(target, child.path("digest").asText())
                            .thenCompose(childManifest -> collect(target, childManifest, filter, plan)));
                }
            }
            if (children.isEmpty()) {
                return CompletableFuture.failedFuture(new PrefetchException("no manifest in index " + manifest.digest()
                        + " is for the platforms asked for", null));
            }
            return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new));
        }
        plan.add(json.path("config"));
        json.path("layers").forEach(plan::add);
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Outcome> warmAll(Target target, ImagePlan plan, PrefetchProgress progress) {
        Outcome outcome = new Outcome();
        List<CompletableFuture<Void>> warming = new ArrayList<>();
        plan.blobs.forEach((digest, size) -> warming.add(
                oci.warmBlob(target, digest, landed -> progress.blobLanded(digest, landed, size))
                        .handle((fetched, failure) -> {
                            if (failure != null) {
                                Throwable cause = UpstreamFailureTranslator.unwrap(failure);
                                outcome.failed(digest + ": " + cause.getMessage());
                                progress.blobFailed(digest, size, cause);
                            } else {
                                outcome.done(fetched, size);
                                progress.blobDone(digest, size, fetched);
                            }
                            return null;
                        })));
        return CompletableFuture.allOf(warming.toArray(CompletableFuture[]::new)).thenApply(ignored -> outcome);
    }

    /** The distinct blobs an image needs, with their sizes as the manifests give them. */
    private static final class ImagePlan {
        final AtomicInteger manifests = new AtomicInteger();
        final Map<Digest, Long> blobs = new LinkedHashMap<>();

        synchronized void add(JsonNode descriptor) {
            if (descriptor.hasNonNull("digest")) {
                try {
                    blobs.putIfAbsent(Digest.parse(descriptor.get("digest").asText()), descriptor.path("size").asLong(-1));
                } catch (IllegalArgumentException e) {
                    throw new PrefetchException("a manifest names an invalid digest: " + e.getMessage(), e);
                }
            }
        }

        synchronized long bytes() {
            return blobs.values().stream().mapToLong(size -> Math.max(size, 0)).sum();
        }
    }

    /** Counts what warming the blobs did. */
    private static final class Outcome {
        private int fetched;
        private int cached;
        private long bytesFetched;
        private long bytesCached;
        private final List<String> failures = new ArrayList<>();

        synchronized void done(boolean wasFetched, long size) {
            if (wasFetched) {
                fetched++;
                bytesFetched += Math.max(size, 0);
            } else {
                cached++;
                bytesCached += Math.max(size, 0);
            }
        }

        synchronized void failed(String reason) {
            failures.add(reason);
        }

        synchronized PrefetchReport report(ImageReference image, Manifest root, ImagePlan plan) {
            return new PrefetchReport(image.toString(), root.digest().toString(), plan.manifests.get(), fetched, cached,
                    bytesFetched, bytesCached, List.copyOf(failures));
        }
    }
}
