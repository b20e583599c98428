package io.aicache.upstream;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes first-last/total} from a 206 answer.
 *
 * @param total the whole body's length, or -1 when upstream wrote {@code *}
 */
public record ContentRange(long first, long last, long total) {

    private static final Pattern FORMAT = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

    public static Optional<ContentRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        if (last < first || (total >= 0 && last >= total)) {
            return Optional.empty();
        }
        return Optional.of(new ContentRange(first, last, total));
    }
}
