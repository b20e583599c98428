package io.aicache.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.aicache.model.Digest;

/**
 * Keys and versioned encodings of the {@code helm} column family: one index record per
 * repository ({@code i\0<repo>}) and one chart record per chart file ({@code c\0<repo>\0<file>}).
 */
final class HelmRecords {

    private static final byte VERSION_1 = 1;

    private HelmRecords() {
    }

    static byte[] indexKey(String repository) {
        return utf8("i\0" + repository);
    }

    static byte[] chartKey(String repository, String file) {
        return utf8("c\0" + repository + "\0" + file);
    }

    static byte[] encodeIndex(HelmIndexRecord record) {
        byte[] etag = utf8(record.etag());
        byte[] lastModified = utf8(record.lastModified());
        byte[] sha = utf8(record.contentSha256());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 3 * 4 + etag.length + lastModified.length + sha.length);
        out.put(VERSION_1).putLong(record.validatedAtMillis()).putLong(record.size());
        putString(out, etag);
        putString(out, lastModified);
        putString(out, sha);
        return out.array();
    }

    static HelmIndexRecord decodeIndex(byte[] value) {
        ByteBuffer in = versioned(value);
        long validatedAt = in.getLong();
        long size = in.getLong();
        String etag = getString(in);
        String lastModified = getString(in);
        return new HelmIndexRecord(etag, lastModified, validatedAt, getString(in), size);
    }

    static byte[] encodeChart(HelmChartRecord record) {
        byte[] url = utf8(record.url());
        byte[] digest = record.digest() == null ? new byte[0] : utf8(record.digest().toString());
        ByteBuffer out = ByteBuffer.allocate(1 + 2 * 4 + url.length + digest.length);
        out.put(VERSION_1);
        putString(out, url);
        putString(out, digest);
        return out.array();
    }

    static HelmChartRecord decodeChart(byte[] value) {
        ByteBuffer in = versioned(value);
        String url = getString(in);
        String digest = getString(in);
        return new HelmChartRecord(url, digest.isEmpty() ? null : Digest.parse(digest));
    }

    private static ByteBuffer versioned(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte version = in.get();
        if (version != VERSION_1) {
            throw new IllegalArgumentException("unknown helm record format version " + version);
        }
        return in;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
