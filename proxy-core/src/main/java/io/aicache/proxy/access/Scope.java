package io.aicache.proxy.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One scope of Docker's token authentication, {@code repository:<name>:<actions>}: the name is the
 * repository as the client names it in its paths ({@code team-a/app}), which may hold a
 * {@code host:port}, so the actions follow the last colon.
 */
public record Scope(String type, String name, List<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String PULL = "pull";

    /** Every scope in {@code values} (each may hold several, space-separated); malformed ones are left out. */
    public static List<Scope> parseAll(List<String> values) {
        List<Scope> scopes = new ArrayList<>();
        for (String value : values) {
            for (String one : value.trim().split(" +")) {
                int first = one.indexOf(':');
                int last = one.lastIndexOf(':');
                if (first > 0 && last > first + 1) {
                    scopes.add(new Scope(one.substring(0, first), one.substring(first + 1, last),
                            Arrays.asList(one.substring(last + 1).split(","))));
                }
            }
        }
        return scopes;
    }

    /** The pull scope of a repository as the client names it, as written in a challenge. */
    public static String pullOf(String name) {
        return REPOSITORY + ":" + name + ":" + PULL;
    }

    public boolean asksToPull() {
        return type.equals(REPOSITORY) && actions.contains(PULL);
    }
}
