package io.aicache.proxy.files;

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
    /** RFC 3986 path characters besides '%' and '/': unreserved, sub-delims, ':' and '@'. */
    private static final boolean[] PATH_CHARACTERS = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".toCharArray()) {
            PATH_CHARACTERS[c] = true;
        }
    }

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
        checkPath(path, rawUri);
        return new FileRequestPath(rest.substring(0, slash), path);
    }

    /** One pass over the path (every request takes it): characters, escapes, and each segment's dots. */
    private static void checkPath(String path, String rawUri) {
        int segmentLength = 0;
        int dots = 0;
        for (int i = 0; i <= path.length(); i++) {
            char c = i < path.length() ? path.charAt(i) : '/';
            if (c == '/') {
                if (segmentLength == 0) {
                    throw invalid("the file path has an empty segment (//): " + shorten(rawUri));
                }
                if (dots == segmentLength && dots <= 2) {
                    throw invalid("the file path has a '" + ".".repeat(dots) + "' segment: " + shorten(rawUri));
                }
                segmentLength = 0;
                dots = 0;
                continue;
            }
            segmentLength++;
            if (c == '%') {
                int decoded = i + 2 < path.length() ? hex(path.charAt(i + 1)) << 4 | hex(path.charAt(i + 2)) : -1;
                if (decoded < 0) {
                    throw invalid("the file path has a malformed %-escape: " + shorten(rawUri));
                }
                if (decoded == '/' || decoded == '\\' || decoded == 0) {
                    throw invalid("the file path has an encoded separator or NUL (%2F, %5C, %00): " + shorten(rawUri));
                }
                dots += decoded == '.' ? 1 : 0;
                i += 2;
            } else if (c < 128 && PATH_CHARACTERS[c]) {
                dots += c == '.' ? 1 : 0;
            } else {
                throw invalid("the file path has a character a URL path does not take: " + shorten(rawUri));
            }
        }
    }

    /** The value of a hex digit, or a negative number (that keeps the combined value negative). */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -0x1000;
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.NAME_INVALID, message);
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
