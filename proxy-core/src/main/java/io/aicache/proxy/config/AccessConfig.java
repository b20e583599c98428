package io.aicache.proxy.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Who may pull what through the registry listener ({@code access}): users from an htpasswd file,
 * tokens from aicache's own token service at {@code /token}, and the rules that say which names each
 * may pull. Off, or on without rules and anonymous patterns, everyone pulls everything, as before.
 *
 * @param enabled       turn access control on
 * @param htpasswd      the users: an htpasswd file of bcrypt hashes, or {@code null} for none
 * @param checkEvery    how often the htpasswd file is checked for changes
 * @param tokenKey      the PEM private key (EC P-256 or RSA) tokens are signed with; {@code null}:
 *                      {@code <dataDir>/token-key.pem}, created on first start
 * @param tokenRealm    the token service's URL in challenges; empty: {@code <scheme>://<Host header>/token}
 * @param tokenTtl      how long an issued token is good for
 * @param anonymous     the names anyone may pull without credentials ({@code docker.io/**})
 * @param groups        named lists of users, for rules
 * @param rules         which users and groups may pull which names
 */
public record AccessConfig(boolean enabled, Path htpasswd, Duration checkEvery, Path tokenKey, String tokenRealm,
                           Duration tokenTtl, List<String> anonymous, Map<String, List<String>> groups,
                           List<AccessRule> rules) {

    public AccessConfig {
        anonymous = anonymous == null ? List.of() : List.copyOf(anonymous);
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        rules = rules == null ? List.of() : List.copyOf(rules);
        tokenRealm = tokenRealm == null ? "" : tokenRealm.trim();
        if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
            throw new IllegalArgumentException("checkEvery must be a positive duration, got " + checkEvery);
        }
        if (tokenTtl == null || tokenTtl.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("tokenTtl must be at least 10s, got " + tokenTtl);
        }
        if (!tokenRealm.isEmpty() && !tokenRealm.startsWith("http://") && !tokenRealm.startsWith("https://")) {
            throw new IllegalArgumentException("tokenRealm must be an http:// or https:// URL, got '" + tokenRealm + "'");
        }
        for (String pattern : anonymous) {
            try {
                AccessRule.requireRepositoryPattern(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("anonymous: " + e.getMessage());
            }
        }
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            if (group.getValue() == null || group.getValue().isEmpty()) {
                throw new IllegalArgumentException("groups: group '" + group.getKey() + "' lists no users");
            }
        }
        for (AccessRule rule : rules) {
            for (String group : rule.groups()) {
                if (!groups.containsKey(group)) {
                    throw new IllegalArgumentException("rules: a rule names group '" + group + "', which groups does not define");
                }
            }
        }
        if (enabled && htpasswd != null) {
            HtpasswdFile.read(htpasswd);
        }
        if (enabled && tokenKey != null && !Files.isReadable(tokenKey)) {
            throw new IllegalArgumentException("tokenKey '" + tokenKey + "' cannot be read"
                    + (Files.exists(tokenKey) ? "" : ": it does not exist"));
        }
    }

    /** Whether any request is ever refused: on, with at least one rule or anonymous pattern. */
    public boolean restricts() {
        return enabled && !(rules.isEmpty() && anonymous.isEmpty());
    }
}
