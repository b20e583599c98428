package io.aicache.proxy.files;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * A request for a file, {@code /files/<remote>/<path>}, read from the raw request URI: the path is
 * kept as the client encoded it and sent upstream so, and refused (400) when it could reach
 * anything but a file below the remote's URL: a {@code .} or {@code ..} segment (encoded or not),
 * an encoded {@code /} or {@code \}, a backslash, an empty segment, a NUL, a malformed escape, a query.
 *
 * @param remote  the remote's name
 * @param rawPath the path below the remote's URL, percent-encoded as sent
 */
record FileRequestPath(String remote, String rawPath) {

    static final String PREFIX = "/files/";
    private static final int MAX_PATH_LENGTH = 2048;
    /** RFC 3986 path characters: unreserved, sub-delims, ':', '@', and percent escapes. */
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+");

    static FileRequestPath parse(String rawUri) {
        if (rawUri.indexOf('?') >= 0 || rawUri.indexOf('#') >= 0) {
            throw invalid("a file URL takes no query: " + shorten(rawUri));
        }
        if (!rawUri.startsWith(PREFIX)) {
            throw invalid("a file URL is " + PREFIX + "<remote>/<path>");
        }
        String rest = rawUri.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw invalid("a file URL is " + PREFIX + "<remote>/<path>, got " + shorten(rawUri));
        }
        String path = rest.substring(slash + 1);
        if (path.length() > MAX_PATH_LENGTH) {
            throw invalid("the file path is longer than " + MAX_PATH_LENGTH + " characters");
        }
        for (String segment : path.split("/", -1)) {
            checkSegment(segment, rawUri);
        }
        return new FileRequestPath(rest.substring(0, slash), path);
    }

    private static void checkSegment(String segment, String rawUri) {
        if (segment.isEmpty()) {
            throw invalid("the file path has an empty segment (//): " + shorten(rawUri));
        }
        if (!SEGMENT.matcher(segment).matches()) {
            throw invalid("the file path has a character a URL path does not take (or a malformed %-escape): "
                    + shorten(rawUri));
        }
        String lower = segment.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
            throw invalid("the file path has an encoded separator or NUL (%2F, %5C, %00): " + shorten(rawUri));
        }
        String decoded = java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (decoded.equals(".") || decoded.equals("..")) {
            throw invalid("the file path has a '" + decoded + "' segment: " + shorten(rawUri));
        }
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.NAME_INVALID, message);
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
