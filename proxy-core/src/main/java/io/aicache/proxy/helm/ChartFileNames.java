package io.aicache.proxy.helm;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names each chart URL of one index by a file name under {@code /helm/<repo>/charts/}: the
 * URL's last path segment, or {@code <chart>-<version>.tgz} when that is unusable. Charts on
 * different hosts may share a last segment; the later one gets a longer, unique name.
 */
final class ChartFileNames {

    /** What a chart file name may contain: no separators, nothing a shell or URL treats specially. */
    static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}");

    private static final int MAX_LENGTH = 255;
    private static final int MAX_HEAD_LENGTH = 64;

    private final Map<String, String> urlByFile = new HashMap<>();

    /** The file name for {@code url} (absolute), listed as version {@code version} of {@code chart}. */
    String fileFor(URI url, String chart, String version) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String segment = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        String fallback = sanitize(chart + "-" + version + ".tgz", MAX_LENGTH);
        String candidate = SAFE.matcher(segment).matches() ? segment : fallback;
        String absolute = url.toString();
        for (int attempt = 0; ; attempt++) {
            String name = attempt == 0 ? candidate
                    : joined(chart + "-" + version + (attempt == 1 ? "" : "-" + attempt), candidate);
            String known = urlByFile.putIfAbsent(name, absolute);
            if (known == null || known.equals(absolute)) {
                return name;
            }
        }
    }

    /** Whether {@code file} is a name this class could have given. */
    static boolean isSafe(String file) {
        return SAFE.matcher(file).matches();
    }

    /**
     * {@code head-tail} within the length a name may have, the end of each kept: the head's holds the
     * attempt number (so each attempt is another name), the tail's the extension.
     */
    private static String joined(String head, String tail) {
        String kept = sanitize(head, MAX_HEAD_LENGTH);
        int room = MAX_LENGTH - kept.length() - 1;
        return kept + "-" + (tail.length() > room ? tail.substring(tail.length() - room) : tail);
    }

    /** {@code name} in safe characters, starting with a letter or digit, its end kept when longer than {@code max}. */
    private static String sanitize(String name, int max) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._+~-]", "_");
        if (cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0))) {
            cleaned = "chart" + cleaned;
        }
        if (cleaned.length() > max) {
            cleaned = cleaned.substring(cleaned.length() - max).replaceFirst("^[^A-Za-z0-9]+", "");
        }
        return cleaned.isEmpty() ? "chart" : cleaned;
    }
}
