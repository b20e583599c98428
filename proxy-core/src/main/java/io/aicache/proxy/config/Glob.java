package io.aicache.proxy.config;

import java.util.regex.Pattern;

/**
 * The name patterns of the configuration: {@code *} stands for any characters but {@code /}, {@code **} for
 * any characters, {@code ?} for one character but {@code /}. Each wildcard is a capturing group, in order,
 * so a rule can carry what it matched over to another name.
 */
final class Glob {

    private Glob() {
    }

    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append("(.*)");
                i++;
            } else if (c == '*') {
                regex.append("([^/]*)");
            } else if (c == '?') {
                regex.append("([^/])");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** How many wildcards {@code glob} has. */
    static int wildcards(String glob) {
        return compile(glob).matcher("").groupCount();
    }
}
