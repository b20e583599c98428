package io.aicache.proxy.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110 section 14.1), before the
 * blob's size is known: {@code first-last}, {@code first-} or the suffix {@code -length}.
 * A header with several ranges, or in a unit other than bytes, is answered whole (the RFC lets a
 * server ignore the one and requires it to ignore the other); a malformed byte range is a client error.
 */
public record ByteRange(long first, long last, long suffixLength) {

    private static final Pattern SINGLE = Pattern.compile("(\\d{0,18})-(\\d{0,18})");
    /** RFC 9110's token, the syntax of a range unit. */
    private static final Pattern UNIT = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final long OPEN = -1;

    /** {@code null} when the header asks for the whole body (absent, several ranges, another unit). */
    public static ByteRange parse(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        int equals = value.indexOf('=');
        if (equals < 0 || !UNIT.matcher(value.substring(0, equals)).matches()) {
            throw notAByteRange(header);
        }
        String ranges = value.substring(equals + 1);
        if (!value.substring(0, equals).equalsIgnoreCase("bytes") || ranges.indexOf(',') > 0) {
            return null;
        }
        Matcher m = SINGLE.matcher(ranges);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw notAByteRange(header);
        }
        if (m.group(1).isEmpty()) {
            return new ByteRange(OPEN, OPEN, Long.parseLong(m.group(2)));
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? OPEN : Long.parseLong(m.group(2));
        if (last != OPEN && last < first) {
            throw new RegistryException(ErrorCode.RANGE_MALFORMED,
                    "Range header '" + header + "' ends before it starts");
        }
        return new ByteRange(first, last, OPEN);
    }

    private static RegistryException notAByteRange(String header) {
        return new RegistryException(ErrorCode.RANGE_MALFORMED,
                "Range header '" + header + "' is not of the form bytes=first-last, bytes=first- or bytes=-length");
    }

    /**
     * The inclusive {@code [start, end]} this range selects in a body of {@code size} bytes,
     * or {@code null} when it selects nothing (answered with 416).
     */
    public long[] resolve(long size) {
        if (suffixLength != OPEN) {
            return suffixLength == 0 || size == 0 ? null : new long[] {Math.max(0, size - suffixLength), size - 1};
        }
        if (first >= size) {
            return null;
        }
        return new long[] {first, last == OPEN ? size - 1 : Math.min(last, size - 1)};
    }

}
