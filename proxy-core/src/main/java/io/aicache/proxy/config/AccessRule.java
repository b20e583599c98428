package io.aicache.proxy.config;

import java.util.List;

/**
 * One rule of {@code access.rules}: the users and groups it is for, the names they may pull
 * ({@code registry/repository} patterns as upstream names them, as in {@code upstream.allow}), and
 * the actions ({@code pull}, the only one a read-only mirror has).
 */
public record AccessRule(List<String> users, List<String> groups, List<String> repositories, List<String> actions) {

    public AccessRule {
        users = users == null ? List.of() : List.copyOf(users);
        groups = groups == null ? List.of() : List.copyOf(groups);
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
        actions = actions == null || actions.isEmpty() ? List.of("pull") : List.copyOf(actions);
        if (users.isEmpty() && groups.isEmpty()) {
            throw new IllegalArgumentException("a rule needs users or groups to be for");
        }
        if (repositories.isEmpty()) {
            List<String> forWhom = new java.util.ArrayList<>(users);
            forWhom.addAll(groups);
            throw new IllegalArgumentException("the rule for " + String.join(", ", forWhom) + " names no repositories pattern");
        }
        repositories.forEach(AccessRule::requireRepositoryPattern);
        for (String action : actions) {
            if (!action.equals("pull")) {
                throw new IllegalArgumentException("action '" + action + "' is not one aicache grants; it grants pull");
            }
        }
    }

    /** The patterns, ready to match. */
    public List<NameRule> patterns() {
        return repositories.stream().map(NameRule::parse).toList();
    }

    /** Refuses a pattern that is not {@code registry/repository}, or that names tags. */
    static NameRule requireRepositoryPattern(String pattern) {
        NameRule rule = NameRule.parse(pattern);
        if (rule.hasTag()) {
            throw new IllegalArgumentException("access pattern '" + pattern + "' names tags; access is granted"
                    + " to whole repositories");
        }
        return rule;
    }
}
