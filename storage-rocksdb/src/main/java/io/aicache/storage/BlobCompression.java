package io.aicache.storage;

import java.util.Locale;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Which kept objects are stored LZ4-compressed, and the compression itself. Manifests, configs,
 * Helm index files and uncompressed layers up to {@link #MAX_BYTES} are compressed when that saves
 * at least a fifth; layers already compressed (gzip or zstd, by media type or magic bytes) and
 * anything larger are kept as they are, so large blobs keep zero-copy sends and byte ranges.
 * A compressed object is decompressed whole before it is served.
 */
final class BlobCompression {

    /** The largest object compressed: serving it costs this much heap for the request. */
    static final int MAX_BYTES = 4 << 20;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

    private BlobCompression() {
    }

    /** The LZ4 block to store instead of {@code bytes}, or null when they are better kept as they are. */
    static byte[] compressIfWorthIt(byte[] bytes, String mediaType) {
        if (bytes.length < 64 || bytes.length > MAX_BYTES || alreadyCompressed(bytes, mediaType)) {
            return null;
        }
        byte[] compressed = COMPRESSOR.compress(bytes);
        return compressed.length <= bytes.length - bytes.length / 5 ? compressed : null;
    }

    /** Whether an object of {@code size} may be compressed at all (read it only then). */
    static boolean mayCompress(long size) {
        return size >= 64 && size <= MAX_BYTES;
    }

    /** The original bytes of a stored LZ4 block; throws {@link IllegalArgumentException} when it is corrupt. */
    static byte[] decompress(byte[] stored, long size) {
        byte[] original = new byte[(int) size];
        try {
            int length = DECOMPRESSOR.decompress(stored, 0, stored.length, original, 0);
            if (length != size) {
                throw new IllegalArgumentException("decompressed " + length + " bytes, expected " + size);
            }
            return original;
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("corrupt LZ4 block: " + e.getMessage(), e);
        }
    }

    private static boolean alreadyCompressed(byte[] bytes, String mediaType) {
        String type = mediaType.toLowerCase(Locale.ROOT);
        if (type.contains("gzip") || type.contains("zstd")) {
            return true;
        }
        boolean gzip = (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B;
        boolean zstd = (bytes[0] & 0xFF) == 0x28 && (bytes[1] & 0xFF) == 0xB5 && (bytes[2] & 0xFF) == 0x2F
                && (bytes[3] & 0xFF) == 0xFD;
        return gzip || zstd;
    }
}
