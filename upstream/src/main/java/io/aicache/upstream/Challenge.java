package io.aicache.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One authentication challenge from a {@code WWW-Authenticate} header, for example
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"}.
 *
 * @param scheme lower-case scheme ({@code bearer}, {@code basic})
 */
public record Challenge(String scheme, Map<String, String> parameters) {

    public Challenge {
        parameters = Map.copyOf(parameters);
    }

    public String parameter(String name) {
        return parameters.get(name);
    }

    /** Parses every challenge in a header value (RFC 9110 section 11.6.1); ignores what it cannot read. */
    public static List<Challenge> parse(String header) {
        List<Challenge> challenges = new ArrayList<>();
        if (header == null) {
            return challenges;
        }
        Cursor in = new Cursor(header);
        while (in.skipSeparators()) {
            String scheme = in.token();
            if (scheme.isEmpty()) {
                in.skipOne();
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            while (true) {
                int mark = in.position;
                in.skipSpaces();
                String name = in.token();
                in.skipSpaces();
                if (name.isEmpty() || !in.consume('=')) {
                    in.position = mark;
                    break;
                }
                in.skipSpaces();
                parameters.put(name.toLowerCase(Locale.ROOT), in.peek() == '"' ? in.quoted() : in.token());
                in.skipSpaces();
                if (!in.consume(',')) {
                    break;
                }
            }
            challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), parameters));
        }
        return challenges;
    }

    private static final class Cursor {
        private final String text;
        private int position;

        Cursor(String text) {
            this.text = text;
        }

        boolean skipSeparators() {
            while (position < text.length() && (text.charAt(position) == ',' || text.charAt(position) == ' ')) {
                position++;
            }
            return position < text.length();
        }

        void skipSpaces() {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }

        void skipOne() {
            position++;
        }

        char peek() {
            return position < text.length() ? text.charAt(position) : 0;
        }

        boolean consume(char c) {
            if (peek() == c) {
                position++;
                return true;
            }
            return false;
        }

        String token() {
            int start = position;
            while (position < text.length() && "=, \"".indexOf(text.charAt(position)) < 0) {
                position++;
            }
            return text.substring(start, position);
        }

        String quoted() {
            StringBuilder value = new StringBuilder();
            position++;
            while (position < text.length() && text.charAt(position) != '"') {
                char c = text.charAt(position++);
                if (c == '\\' && position < text.length()) {
                    c = text.charAt(position++);
                }
                value.append(c);
            }
            position++;
            return value.toString();
        }
    }
}
