package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the requests a CNCF distribution registry (2.8) completed from its text-formatted log.
 *
 * <p>The registry writes one logrus line per finished request, for example:
 * <pre>
 * time="..." level=info msg="response completed" ... http.request.method=GET ... http.request.uri=/v2/ ...
 * time="..." level=error msg="response completed with error" err.code="blob unknown" ...
 *     http.request.method=GET ... http.request.uri="/v2/foo/blobs/sha256:00..00" ... http.response.status=404 ...
 * </pre>
 * logrus quotes a value only when it contains characters outside {@code [A-Za-z0-9-._/@^+]}, so a URI with
 * a digest ({@code :}) or a query ({@code ?=}) appears in Go quoted-string syntax and a plain path does not.
 */
final class RegistryRequestLog {

    private static final Pattern COMPLETED = Pattern.compile(" msg=\"response completed( with error)?\" ");
    private static final Pattern METHOD = Pattern.compile(" http\\.request\\.method=(\\S+)");
    private static final Pattern URI = Pattern.compile(" http\\.request\\.uri=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
    private static final Pattern QUOTED_ESCAPE = Pattern.compile("\\\\(.)");

    /** A request the registry finished serving. */
    record CompletedRequest(String method, String uri) {
    }

    private final Path logFile;

    RegistryRequestLog(Path logFile) {
        this.logFile = logFile;
    }

    int count(Predicate<CompletedRequest> filter) throws IOException {
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return (int) lines.map(RegistryRequestLog::parse)
                    .flatMap(Optional::stream)
                    .filter(filter)
                    .count();
        }
    }

    static Optional<CompletedRequest> parse(String line) {
        if (!COMPLETED.matcher(line).find()) {
            return Optional.empty();
        }
        Matcher method = METHOD.matcher(line);
        Matcher uri = URI.matcher(line);
        if (!method.find() || !uri.find()) {
            return Optional.empty();
        }
        return Optional.of(new CompletedRequest(method.group(1), unquote(uri.group(1))));
    }

    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            return value;
        }
        // URIs never contain the escapes %q produces for control characters, so undoing
        // \" and \\ is all the unquoting needed.
        return QUOTED_ESCAPE.matcher(value.substring(1, value.length() - 1)).replaceAll("$1");
    }
}
