package io.aicache.upstream;

/**
 * Told what happens between aicache and its registries' endpoints, for metrics. Called on the
 * threads that see the answers: implementations must be quick and must not block.
 */
public interface UpstreamObserver {

    /** Tells nothing to anyone. */
    UpstreamObserver NONE = new UpstreamObserver() {
    };

    /** A client for {@code registry} was made (at start, or when a request first named a host a pattern matches). */
    default void added(String registry, RateLimitBudget rateLimit) {
    }

    /** {@code endpoint} of {@code registry} gave the answer a request ended with. */
    default void served(String registry, UpstreamEndpoint endpoint) {
    }

    /** A request {@code from} could not answer (refused, timed out, 5xx) went on to {@code to}. */
    default void failedOver(String registry, UpstreamEndpoint from, UpstreamEndpoint to) {
    }
}
