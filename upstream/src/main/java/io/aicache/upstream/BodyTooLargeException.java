package io.aicache.upstream;

/** Upstream's body is larger than aicache accepts for what was asked (a chart, a manifest). */
public final class BodyTooLargeException extends UpstreamException {
    public BodyTooLargeException(long limit) {
        super("upstream's body exceeds the limit of " + limit + " bytes");
    }
}
