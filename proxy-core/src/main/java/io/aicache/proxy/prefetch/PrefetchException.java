package io.aicache.proxy.prefetch;

/** An image could not be prefetched; the message says which and why. */
public final class PrefetchException extends RuntimeException {

    public PrefetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
