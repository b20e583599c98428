package io.aicache.model;

/**
 * A repository in a registry, as aicache keeps and fetches it.
 *
 * @param registry the registry's name as clients use it ({@code docker.io}, {@code ghcr.io}, {@code registry.test:5000})
 * @param name     the repository as that registry names it ({@code library/alpine} for {@code alpine} on Docker Hub)
 */
public record Repository(String registry, String name) {

    public Repository {
        if (registry == null || registry.isEmpty() || registry.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a repository needs a registry name without '/', got '" + registry + "'");
        }
        if (name == null || name.isEmpty() || name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("invalid repository name '" + name + "'");
        }
    }

    /** The tag {@code tag} of this repository. */
    public TagReference tag(String tag) {
        return new TagReference(this, tag);
    }

    /** The blob {@code digest} as this repository holds it. */
    public BlobReference blob(Digest digest) {
        return new BlobReference(this, digest);
    }

    /** Names this repository across registries: {@code registry/name}. */
    @Override
    public String toString() {
        return registry + "/" + name;
    }
}
