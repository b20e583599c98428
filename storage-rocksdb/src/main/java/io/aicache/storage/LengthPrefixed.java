package io.aicache.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The text fields of the index's records: UTF-8 bytes after their length as an {@code int}. */
final class LengthPrefixed {

    private LengthPrefixed() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void putString(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes.length).put(bytes);
    }

    static String getString(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The buffer over {@code value} past its format version byte, which must be {@code expected}. */
    static ByteBuffer versioned(byte[] value, byte expected, String kind) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte version = in.get();
        if (version != expected) {
            throw new IllegalArgumentException("unknown " + kind + " record format version " + version);
        }
        return in;
    }
}
