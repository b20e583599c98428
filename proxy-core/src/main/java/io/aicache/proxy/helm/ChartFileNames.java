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

    private final Map<String, String> urlByFile = new HashMap<>();

    /** The file name for {@code url} (absolute), listed as version {@code version} of {@code chart}. */
    String fileFor(URI url, String chart, String version) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String segment = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        String fallback = sanitize(chart + "-" + version + ".tgz");
        String candidate = SAFE.matcher(segment).matches() ? segment : fallback;
        String absolute = url.toString();
        for (int attempt = 0; ; attempt++) {
            String name = attempt == 0 ? candidate
                    : attempt == 1 ? sanitize(chart + "-" + version + "-" + candidate)
                    : sanitize(chart + "-" + version + "-" + attempt + "-" + candidate);
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

    private static String sanitize(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._+~-]", "_");
        if (cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0))) {
            cleaned = "chart" + cleaned;
        }
        return cleaned.length() > 255 ? cleaned.substring(cleaned.length() - 255) : cleaned;
    }
}
