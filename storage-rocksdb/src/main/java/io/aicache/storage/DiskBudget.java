package io.aicache.storage;

/**
 * How much the blob store may hold. Eviction starts when kept bytes pass
 * {@code highWatermark * maxBytes} and stops at {@code lowWatermark * maxBytes}; a fill that
 * would pass {@code maxBytes} makes room before it starts.
 *
 * @param maxBytes     the budget; 0 means unlimited
 * @param minFreeBytes below this much free space on the disk, nothing new is kept
 */
public record DiskBudget(long maxBytes, double highWatermark, double lowWatermark, long minFreeBytes) {

    public static final DiskBudget UNLIMITED = new DiskBudget(0, 1, 1);

    public DiskBudget {
        if (maxBytes < 0 || minFreeBytes < 0) {
            throw new IllegalArgumentException("maxBytes and minFreeBytes must not be negative");
        }
        if (!(lowWatermark > 0 && lowWatermark <= highWatermark && highWatermark <= 1)) {
            throw new IllegalArgumentException("watermarks must satisfy 0 < low <= high <= 1, got low "
                    + lowWatermark + ", high " + highWatermark);
        }
    }

    /** A budget that keeps whatever the disk has room for. */
    public DiskBudget(long maxBytes, double highWatermark, double lowWatermark) {
        this(maxBytes, highWatermark, lowWatermark, 0);
    }

    public boolean limited() {
        return maxBytes > 0;
    }

    long high() {
        return (long) (maxBytes * highWatermark);
    }

    long low() {
        return (long) (maxBytes * lowWatermark);
    }
}
