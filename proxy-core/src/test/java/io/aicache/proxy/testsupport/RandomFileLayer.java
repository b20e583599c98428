package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an image layer: a gzip-compressed tar archive holding one regular file of pseudo-random bytes.
 *
 * <p>Random content keeps the compressed layer about as large as the requested size, so layer sizes
 * in tests and benchmarks mean what they say. The archive is a minimal ustar stream written by hand:
 * one header block, the content padded to a block boundary, and two zero blocks marking the end.
 */
final class RandomFileLayer {

    private static final int BLOCK = 512;
    private static final int CHUNK = 64 * 1024;
    /** Largest size an 11-digit octal ustar size field can hold. */
    private static final long MAX_CONTENT_SIZE = 077777777777L;

    private RandomFileLayer() {
    }

    /**
     * Streams the compressed layer to {@code out} and closes it.
     *
     * @return the layer's diff_id: the digest of the uncompressed tar
     */
    static String write(String fileName, long contentSize, SplittableRandom random, OutputStream out)
            throws IOException {
        if (contentSize < 0 || contentSize > MAX_CONTENT_SIZE) {
            throw new IllegalArgumentException("layer content size out of range: " + contentSize);
        }
        MessageDigest tarDigest = Sha256.newDigest();
        try (OutputStream tar = new DigestOutputStream(new FastGzipOutputStream(out), tarDigest)) {
            tar.write(ustarHeader(fileName, contentSize));
            writeRandomBytes(tar, contentSize, random);
            tar.write(new byte[paddingAfter(contentSize)]);
            tar.write(new byte[2 * BLOCK]);
        }
        return Sha256.digestString(tarDigest);
    }

    private static void writeRandomBytes(OutputStream out, long count, SplittableRandom random) throws IOException {
        byte[] chunk = new byte[CHUNK];
        for (long remaining = count; remaining > 0; remaining -= CHUNK) {
            random.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(CHUNK, remaining));
        }
    }

    private static int paddingAfter(long contentSize) {
        return (int) ((BLOCK - contentSize % BLOCK) % BLOCK);
    }

    /** A ustar header for a regular file owned by root, mode 0644, mtime 0 (so layers are reproducible). */
    private static byte[] ustarHeader(String fileName, long size) {
        byte[] name = fileName.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 100) {
            throw new IllegalArgumentException("file name longer than the 100-byte ustar name field: " + fileName);
        }
        byte[] header = new byte[BLOCK];
        System.arraycopy(name, 0, header, 0, name.length);
        putOctal(header, 100, 8, 0644); // mode
        putOctal(header, 108, 8, 0); // uid
        putOctal(header, 116, 8, 0); // gid
        putOctal(header, 124, 12, size);
        putOctal(header, 136, 12, 0); // mtime
        header[156] = '0'; // typeflag: regular file
        putAscii(header, 257, "ustar\0");
        putAscii(header, 263, "00");
        // The checksum is computed with its own field filled with spaces, then stored as
        // six octal digits, NUL, space.
        Arrays.fill(header, 148, 156, (byte) ' ');
        int checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        putOctal(header, 148, 7, checksum);
        return header;
    }

    /** Writes {@code value} as zero-padded octal filling {@code width - 1} bytes, followed by NUL. */
    private static void putOctal(byte[] header, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(width - 1 - digits.length()) + digits;
        putAscii(header, offset, padded + "\0");
    }

    private static void putAscii(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    /** Gzip at the fastest level: the content is random and would not get smaller at a higher one. */
    private static final class FastGzipOutputStream extends GZIPOutputStream {
        FastGzipOutputStream(OutputStream out) throws IOException {
            super(out, CHUNK);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
