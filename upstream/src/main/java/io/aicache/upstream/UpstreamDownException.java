package io.aicache.upstream;

/** The upstream is marked down after repeated failures; no request was sent. */
public final class UpstreamDownException extends UpstreamException {
    public UpstreamDownException(String registry) {
        super("upstream " + registry + " is marked down after repeated failures, or aicache is offline");
    }
}
