package io.aicache.upstream;

/** A user name and password from configuration: issued as they are, never expiring, never renewed. */
public record StaticCredentials(Credentials credentials) implements CredentialProvider {

    @Override
    public IssuedCredentials issue() {
        return IssuedCredentials.lasting(credentials);
    }

    @Override
    public String kind() {
        return "username and password";
    }

    @Override
    public boolean renewable() {
        return false;
    }
}
