package io.aicache.upstream;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Registries clients may name by any host a pattern matches ({@code *.dkr.ecr.*.amazonaws.com},
 * {@code *-docker.pkg.dev}, {@code *.azurecr.io}), so a client pulls from any registry of that kind by its
 * own name without each being configured. {@code *} is one or more letters, digits or hyphens: part of
 * one DNS label, never a dot, so a pattern cannot be stretched over another domain.
 */
public final class RegistryHostPattern {

    private static final Pattern VALID = Pattern.compile("[a-z0-9*][a-z0-9*.-]*(:[0-9]+)?");
    private static final String LABEL_PART = "[a-z0-9-]+";

    private final String pattern;
    private final Pattern hosts;
    private final Function<String, UpstreamRegistry> registryFor;

    /**
     * @param pattern     the host pattern, as configured
     * @param registryFor the registry for a host the pattern matches: its endpoint, credentials and settings
     */
    public RegistryHostPattern(String pattern, Function<String, UpstreamRegistry> registryFor) {
        if (!isPattern(pattern) || !VALID.matcher(pattern).matches()) {
            throw new IllegalArgumentException("'" + pattern + "' is not a host pattern: lower-case letters, digits, '.',"
                    + " '-' and '*' (part of one label), with an optional :port");
        }
        this.pattern = pattern;
        this.registryFor = registryFor;
        String[] literals = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(literals[0]));
        for (int i = 1; i < literals.length; i++) {
            regex.append(LABEL_PART).append(Pattern.quote(literals[i]));
        }
        this.hosts = Pattern.compile(regex.toString());
    }

    /** Whether a configured registry name is a pattern rather than one registry. */
    public static boolean isPattern(String name) {
        return name != null && name.indexOf('*') >= 0;
    }

    public String pattern() {
        return pattern;
    }

    /** Whether clients may name a registry of this pattern {@code host}. */
    public boolean matches(String host) {
        return hosts.matcher(host).matches();
    }

    /** The registry clients call {@code host}, which this pattern matches. */
    public UpstreamRegistry registryFor(String host) {
        return registryFor.apply(host);
    }

    @Override
    public String toString() {
        return "RegistryHostPattern[" + pattern + "]";
    }
}
