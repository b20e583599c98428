package io.aicache.proxy.prefetch;

import io.aicache.model.Digest;

/** Hears how a prefetch goes; every method may be called from any thread. */
public interface PrefetchProgress {

    /** Hears nothing. */
    PrefetchProgress NONE = new PrefetchProgress() {
    };

    /** The image's manifests are in: {@code blobs} distinct blobs of {@code bytes} in all are next. */
    default void resolved(ImageReference image, Digest digest, int blobs, long bytes) {
    }

    /** {@code landed} of the blob's {@code size} bytes are in. */
    default void blobLanded(Digest digest, long landed, long size) {
    }

    /** The blob is kept: {@code fetched} from upstream now, or kept already. */
    default void blobDone(Digest digest, long size, boolean fetched) {
    }

    default void blobFailed(Digest digest, long size, Throwable failure) {
    }
}
