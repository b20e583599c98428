package io.aicache.upstream;

/** Upstream could not be reached or answered in a way aicache cannot use. */
public class UpstreamException extends RuntimeException {
    public UpstreamException(String message) {
        super(message);
    }

    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
