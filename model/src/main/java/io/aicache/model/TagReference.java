package io.aicache.model;

/**
 * A tag of a repository: what aicache keeps a tag record under.
 *
 * @param repository the repository the tag belongs to
 * @param tag        the tag itself ({@code latest}, {@code 3.20})
 */
public record TagReference(Repository repository, String tag) {

    public TagReference {
        if (repository == null) {
            throw new IllegalArgumentException("a tag needs a repository");
        }
        if (tag == null || tag.isEmpty() || tag.indexOf(':') >= 0 || tag.indexOf('/') >= 0) {
            throw new IllegalArgumentException("invalid tag '" + tag + "'");
        }
    }

    /**
     * Reads the form {@link #toString()} writes, {@code registry/name:tag}; throws IllegalArgumentException
     * for anything else.
     */
    public static TagReference parse(String text) {
        int slash = text.indexOf('/');
        int colon = text.lastIndexOf(':');
        if (slash <= 0 || colon <= slash + 1) {
            throw new IllegalArgumentException("'" + text + "' is not of the form registry/repository:tag");
        }
        return new TagReference(new Repository(text.substring(0, slash), text.substring(slash + 1, colon)),
                text.substring(colon + 1));
    }

    /** {@code registry/name:tag}: the tag's key in the index, and how logs and the admin API name it. */
    @Override
    public String toString() {
        return repository + ":" + tag;
    }
}
