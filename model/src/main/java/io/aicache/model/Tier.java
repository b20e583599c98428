package io.aicache.model;

/**
 * Where an answer's content came from. The label is what the access log, the {@code tier} tag of the request
 * metrics and {@code aicache stats} show.
 */
public enum Tier {
    /** The hot tier: bytes held in memory. */
    MEMORY("memory"),
    /** A complete blob or record on local disk. */
    DISK("disk"),
    /** A fill in progress, joined by this reader. */
    FILL("fill"),
    /** Fetched from upstream for this request. */
    UPSTREAM("upstream"),
    /** Relayed from upstream without being kept. */
    PASS_THROUGH("pass-through"),
    /** A kept answer served past its TTL because upstream could not be asked. */
    STALE("stale");

    private final String label;

    Tier(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether the answer was served from what aicache holds, without a transfer from upstream. */
    public boolean isLocal() {
        return this != UPSTREAM && this != PASS_THROUGH;
    }

    @Override
    public String toString() {
        return label;
    }
}
