package io.aicache.model;

/**
 * A blob as a repository holds it: blobs are stored once by digest, but fetched, and allowed, per repository.
 *
 * @param repository the repository the blob is fetched through
 * @param digest     the blob's content digest
 */
public record BlobReference(Repository repository, Digest digest) {

    public BlobReference {
        if (repository == null || digest == null) {
            throw new IllegalArgumentException("a blob reference needs a repository and a digest");
        }
    }

    /** {@code registry/name@digest}, as registries write a reference by digest. */
    @Override
    public String toString() {
        return repository + "@" + digest;
    }
}
