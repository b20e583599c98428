package io.aicache.proxy.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110 section 14.1), before the
 * blob's size is known: {@code first-last}, {@code first-} or the suffix {@code -length}.
 * A header with several ranges is answered whole (the RFC lets a server ignore Range);
 * one that is not a byte range at all is a client error.
 */
public record ByteRange(long first, long last, long suffixLength) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");
    private static final long OPEN = -1;

    /** {@code null} when the header asks for the whole body (absent, or several ranges). */
    public static ByteRange parse(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.startsWith("bytes=") && value.indexOf(',') > 0) {
            return null;
        }
        Matcher m = SINGLE.matcher(value);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw new RegistryException(ErrorCode.RANGE_MALFORMED,
                    "Range header '" + header + "' is not of the form bytes=first-last, bytes=first- or bytes=-length");
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
