package io.aicache.proxy.oci;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.aicache.model.BlobReference;
import io.aicache.model.Digest;
import io.aicache.model.MediaTypes;
import io.aicache.model.Repository;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.storage.BlobLinks;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;

/**
 * Whether a kept blob or manifest may be served under a repository: only when it is linked to it.
 * A blob is kept once by digest, so without links anyone who learns a private layer's digest could
 * pull it through any name. It belongs to a repository when a manifest of that repository that
 * aicache holds references it, or when upstream answered for it in that repository's scope; a kept
 * one that is not linked is confirmed with a {@code HEAD} in the repository's scope (one at a time
 * per blob and repository), and then served from the cache.
 */
final class RepositoryLinks {

    private final BlobLinks links;
    private final ManifestGraph graph;
    private final Executor storageExecutor;
    private final InFlight<Void> confirmations = new InFlight<>();

    RepositoryLinks(BlobLinks links, ManifestGraph graph, Executor storageExecutor) {
        this.links = links;
        this.graph = graph;
        this.storageExecutor = storageExecutor;
    }

    boolean isLinked(Repository repository, Digest digest) {
        return links.has(repository.blob(digest));
    }

    /**
     * Links a manifest held for {@code repository} and everything it reaches through kept manifests
     * (an index's manifests, each manifest's config and layers). Blocks: call it on the storage executor.
     */
    void linkManifest(Repository repository, Digest manifest) {
        for (Digest reached : graph.closure(manifest)) {
            BlobReference blob = repository.blob(reached);
            if (!links.has(blob)) {
                links.link(blob);
            }
        }
    }

    /** Links {@code manifest} and what it reaches, on the storage executor, unless it is linked already. */
    void linkManifestLater(Repository repository, Digest manifest) {
        if (!isLinked(repository, manifest)) {
            storageExecutor.execute(() -> linkManifest(repository, manifest));
        }
    }

    /**
     * Asks upstream whether the blob is in the target's repository ({@code HEAD}); a success that
     * does not contradict the digest links it there. Fails with what upstream said otherwise.
     */
    CompletableFuture<UpstreamResponse<Void>> headBlob(Target target, Digest digest) {
        return target.client().blobHead(target.repository(), digest).thenCompose(response -> {
            if (!response.isSuccess()) {
                throw new UpstreamStatusException(target.registryName(), response.status(), response.headers());
            }
            if (response.header("Docker-Content-Digest").filter(d -> contradicts(d, digest)).isPresent()) {
                throw new RegistryException(ErrorCode.UNKNOWN, "upstream " + target.registryName()
                        + " answered blob " + digest + " with another digest");
            }
            return CompletableFuture.runAsync(() -> links.link(target.repository().blob(digest)), storageExecutor)
                    .thenApply(linked -> response);
        });
    }

    /** Confirms a kept blob for the target's repository: completes once it is linked, fails as {@link #headBlob} does. */
    CompletableFuture<Void> confirmBlob(Target target, Digest digest) {
        return confirmations.join("blob|" + target.repository().blob(digest),
                () -> headBlob(target, digest).thenApply(response -> null));
    }

    /**
     * Confirms a kept manifest for the target's repository with a {@code HEAD} by digest: completes
     * once it (and what it reaches) is linked; fails with what upstream said otherwise.
     */
    CompletableFuture<Void> confirmManifest(Target target, Digest digest) {
        return confirmations.join("manifest|" + target.repository().blob(digest), () -> target.client()
                .manifestHead(target.repository(), digest.toString(), MediaTypes.ALL_MANIFESTS)
                .thenCompose(response -> {
                    if (!response.isSuccess()) {
                        throw new UpstreamStatusException(target.registryName(), response.status(), response.headers());
                    }
                    return CompletableFuture.runAsync(() -> linkManifest(target.repository(), digest), storageExecutor);
                }));
    }

    /**
     * Whether the digest upstream announced says the blob is another one. A digest of another algorithm
     * does not: distribution keeps blobs by sha256 and announces that for a HEAD of a sha512 digest.
     */
    private static boolean contradicts(String announced, Digest asked) {
        try {
            Digest digest = Digest.parse(announced.trim());
            return digest.algorithm().equals(asked.algorithm()) && !digest.equals(asked);
        } catch (IllegalArgumentException unreadable) {
            return true;
        }
    }
}
