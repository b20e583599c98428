package io.aicache.proxy.prefetch;

import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The platforms of a multi-platform image to fetch ({@code linux/amd64}, {@code linux/arm64/v8});
 * none named means all of them. A variant is compared only when the filter names one.
 */
final class PlatformFilter {

    private static final Pattern PLATFORM = Pattern.compile("[a-z0-9_.-]+/[a-z0-9_.-]+(/[a-z0-9_.-]+)?");

    private final List<String[]> platforms;

    private PlatformFilter(List<String[]> platforms) {
        this.platforms = platforms;
    }

    /** @throws IllegalArgumentException for a platform that is not {@code os/architecture[/variant]} */
    static PlatformFilter of(List<String> names) {
        for (String name : names) {
            if (!PLATFORM.matcher(name).matches()) {
                throw new IllegalArgumentException("platform '" + name + "' is not os/architecture[/variant], such as linux/amd64");
            }
        }
        return new PlatformFilter(names.stream().map(name -> name.split("/")).toList());
    }

    boolean all() {
        return platforms.isEmpty();
    }

    /** Whether an index entry's {@code platform} object is one of the chosen platforms. */
    boolean matches(JsonNode platform) {
        if (platforms.isEmpty()) {
            return true;
        }
        String os = platform.path("os").asText();
        String architecture = platform.path("architecture").asText();
        String variant = platform.path("variant").asText();
        return platforms.stream().anyMatch(p -> p[0].equals(os) && p[1].equals(architecture)
                && (p.length < 3 || p[2].equals(variant)));
    }
}
