package io.aicache.upstream;

/**
 * One kind of credential a registry can be configured with: a fixed user name and password, a cloud's
 * token service (ECR, Artifact Registry, ACR), a Docker credential helper. Each issues credentials that
 * a {@link CredentialSource} keeps until shortly before they expire or upstream refuses them.
 */
public interface CredentialProvider {

    /**
     * Fetches credentials for the registry. May block on a token service or a helper process: it is called
     * on the upstream executor, never on an event loop.
     *
     * @throws CredentialsUnavailableException with a message that names the kind and the cause, never a secret
     */
    IssuedCredentials issue();

    /** The kind of credential, for messages and logs: {@code ecr}, {@code docker credential helper 'pass'}. */
    String kind();

    /** Whether a refusal is worth asking again for: false for credentials that never change. */
    default boolean renewable() {
        return true;
    }
}
