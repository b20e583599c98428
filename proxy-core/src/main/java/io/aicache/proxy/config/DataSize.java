package io.aicache.proxy.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A number of bytes written as in the configuration: {@code 512}, {@code 64KiB}, {@code 8MiB}, {@code 2GiB}. */
public record DataSize(long bytes) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(B|KIB|MIB|GIB|TIB|KB|MB|GB|TB)?");

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size must not be negative: " + bytes);
        }
    }

    /** A plain number in the configuration is a count of bytes. */
    @JsonCreator
    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    @JsonCreator
    public static DataSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected for example 512, 64KiB, 8MiB, 2GiB)");
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "B" -> 1L;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            case "TIB" -> 1L << 40;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> 1_000_000_000_000L;
        };
        return new DataSize(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
    }

    /** The size as an int, for buffers and chunk sizes; fails when it does not fit. */
    public int toIntBytes() {
        return Math.toIntExact(bytes);
    }

    @JsonValue
    @Override
    public String toString() {
        return bytes + "B";
    }
}
