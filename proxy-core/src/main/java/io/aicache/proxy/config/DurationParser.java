package io.aicache.proxy.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as written in the configuration: {@code 0}, {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
final class DurationParser {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private DurationParser() {
    }

    static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches() || (m.group(2) == null && !m.group(1).equals("0"))) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected for example 250ms, 30s, 5m, 2h, 7d)");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
