package io.aicache.upstream;

/** A registry's credentials could not be had: a token service failed, a helper is missing or refused. */
public final class CredentialsUnavailableException extends UpstreamException {

    public CredentialsUnavailableException(String message) {
        super(message);
    }

    public CredentialsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
