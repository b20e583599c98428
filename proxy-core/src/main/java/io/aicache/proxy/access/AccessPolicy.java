package io.aicache.proxy.access;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.aicache.proxy.config.AccessConfig;
import io.aicache.proxy.config.AccessRule;
import io.aicache.proxy.config.NameRule;

/**
 * Which names ({@code registry/repository} as upstream names them) an identity may pull: every name
 * an {@code access.anonymous} pattern covers, and for a user the names of every rule for the user or
 * one of the user's groups. Groups are resolved once, at start: a lookup is one map read and a few
 * pattern matches.
 */
public final class AccessPolicy {

    private final List<NameRule> anonymous;
    private final Map<String, List<NameRule>> byUser = new HashMap<>();

    public AccessPolicy(AccessConfig config) {
        this.anonymous = config.anonymous().stream().map(NameRule::parse).toList();
        for (AccessRule rule : config.rules()) {
            List<NameRule> patterns = rule.patterns();
            List<String> users = new ArrayList<>(rule.users());
            rule.groups().forEach(group -> users.addAll(config.groups().get(group)));
            users.forEach(user -> byUser.computeIfAbsent(user, u -> new ArrayList<>()).addAll(patterns));
        }
    }

    /** Whether anyone, credentials or none, may pull {@code name}. */
    public boolean anonymousMay(String name) {
        return covers(anonymous, name);
    }

    /** Whether {@code who} may pull {@code name}. */
    public boolean may(Identity who, String name) {
        return anonymousMay(name) || !who.isAnonymous() && covers(byUser.getOrDefault(who.user(), List.of()), name);
    }

    private static boolean covers(List<NameRule> patterns, String name) {
        for (NameRule pattern : patterns) {
            if (pattern.coversRepository(name)) {
                return true;
            }
        }
        return false;
    }
}
