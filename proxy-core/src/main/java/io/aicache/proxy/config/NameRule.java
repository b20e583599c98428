package io.aicache.proxy.config;

/**
 * One rule of {@code upstream.allow} or {@code upstream.deny}: {@code registry/repository} or
 * {@code registry/repository:tag} as upstream names them ({@code docker.io/library/alpine}), where
 * {@code *} stands for any characters but {@code /}, {@code **} for any characters, and {@code ?}
 * for one.
 *
 * @param text the rule as written
 */
public record NameRule(String text, PerThreadMatcher repository, PerThreadMatcher tag) {

    /** Reads a rule; throws IllegalArgumentException saying what is wrong with it. */
    public static NameRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an empty rule names nothing");
        }
        int slash = text.indexOf('/');
        int colon = text.lastIndexOf(':');
        boolean hasTag = colon > text.lastIndexOf('/');
        String name = hasTag ? text.substring(0, colon) : text;
        if (slash <= 0 || slash == name.length() - 1) {
            throw new IllegalArgumentException("rule '" + text + "' is not registry/repository or"
                    + " registry/repository:tag (such as docker.io/library/* or ghcr.io/org/**)");
        }
        if (hasTag && colon == text.length() - 1) {
            throw new IllegalArgumentException("rule '" + text + "' has an empty tag pattern");
        }
        PerThreadMatcher tag = hasTag ? new PerThreadMatcher(Glob.compile(text.substring(colon + 1))) : null;
        return new NameRule(text, new PerThreadMatcher(Glob.compile(name)), tag);
    }

    /** Whether the rule names {@code repository} ({@code registry/name}). */
    public boolean coversRepository(String repository) {
        return this.repository.matches(repository);
    }

    /** Whether the rule names a tag at all. */
    public boolean hasTag() {
        return tag != null;
    }

    /** Whether the rule's tag pattern matches {@code tag}; a rule without one matches every tag. */
    public boolean coversTag(String tag) {
        return this.tag == null || this.tag.matches(tag);
    }

    @Override
    public String toString() {
        return text;
    }
}
