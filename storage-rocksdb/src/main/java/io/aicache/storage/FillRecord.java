package io.aicache.storage;

import java.util.BitSet;

import io.aicache.model.Digest;

/**
 * A blob being filled: its planned size, the chunk size of the plan and which chunks
 * have landed in the partial file. The final digest check, not this record, decides
 * whether the bytes are right; the record only says what need not be fetched again.
 */
public record FillRecord(Digest digest, long size, int chunkSize, BitSet landedChunks) {
    public FillRecord {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        landedChunks = (BitSet) landedChunks.clone();
    }

    @Override
    public BitSet landedChunks() {
        return (BitSet) landedChunks.clone();
    }

    public int chunkCount() {
        return size < 0 ? 0 : (int) ((size + chunkSize - 1) / chunkSize);
    }
}
