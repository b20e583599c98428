package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's own files (scripts, units, manifests) as the tests see them: tests run in
 * {@code proxy-core/}, the repository is above. Also the settings several of those files must agree on.
 */
public final class RepositoryFiles {

    private static final Pattern LAUNCH_JAVA_OPTS = Pattern.compile("java_opts=\\$\\{AICACHE_JAVA_OPTS:-([^}]+)}");
    private static final Pattern MEMORY_MAX = Pattern.compile("(?m)^MemoryMax=(\\d+)M$");

    private RepositoryFiles() {
    }

    /** The directory holding {@code conf/aicache.service} and {@code scripts/}. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("conf/aicache.service")) && Files.isRegularFile(dir.resolve("scripts/install.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("conf/aicache.service not found above " + Path.of("").toAbsolutePath());
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM options {@code scripts/aicache} starts aicache with when AICACHE_JAVA_OPTS is unset. */
    public static String launchJavaOpts() {
        Matcher opts = LAUNCH_JAVA_OPTS.matcher(read("scripts/aicache"));
        if (!opts.find()) {
            throw new IllegalStateException("scripts/aicache has no java_opts=${AICACHE_JAVA_OPTS:-...} line");
        }
        return opts.group(1);
    }

    /** {@code MemoryMax=} of {@code conf/aicache.service}, in MiB: the memory limit that fits those options. */
    public static int serviceMemoryMaxMib() {
        Matcher max = MEMORY_MAX.matcher(read("conf/aicache.service"));
        if (!max.find()) {
            throw new IllegalStateException("conf/aicache.service has no MemoryMax=<n>M line");
        }
        return Integer.parseInt(max.group(1));
    }
}
