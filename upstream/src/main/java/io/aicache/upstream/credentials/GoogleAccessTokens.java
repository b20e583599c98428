package io.aicache.upstream.credentials;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;

import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;
import io.aicache.upstream.IssuedCredentials;

/**
 * OAuth2 access tokens for Google Artifact Registry and GCR, issued as the Basic credentials
 * {@code oauth2accesstoken:<token>} their token service takes (as {@code docker login -u oauth2accesstoken}
 * sends them), until the token's expiry. The tokens come from a key file, from Application Default
 * Credentials (the SDK's search: {@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's user credentials, the
 * metadata server of GCE and of GKE's workload identity), or from a metadata server named in configuration.
 * Every issue asks for a new token: the credentials are loaded again (a rotated key file is picked up)
 * and their token endpoint asked, never the SDK's cache.
 */
public final class GoogleAccessTokens implements CredentialProvider {

    /** The user name Artifact Registry and GCR take an OAuth2 access token under. */
    public static final String ACCESS_TOKEN_USER = "oauth2accesstoken";
    /** What Google recommends asking for, with IAM roles ({@code roles/artifactregistry.reader}) limiting it. */
    public static final List<String> DEFAULT_SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    private static final int MAX_MESSAGE_CHARS = 300;

    /** Where the SDK's credentials come from; may block (reading a file, the metadata server's ping). */
    private interface Source {
        GoogleCredentials load() throws IOException;
    }

    private final Source source;
    private final List<String> scopes;
    private final String kind;

    private GoogleAccessTokens(Source source, List<String> scopes, String kind) {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("Google access tokens need at least one scope");
        }
        this.source = source;
        this.scopes = List.copyOf(scopes);
        this.kind = kind;
    }

    /** Tokens for the service account, external account or user whose credentials {@code keyFile} holds. */
    public static GoogleAccessTokens fromKeyFile(Path keyFile, List<String> scopes) {
        return new GoogleAccessTokens(() -> GoogleCredentialsFile.load(keyFile), scopes, "Google credentials file " + keyFile);
    }

    /** Tokens from Application Default Credentials, found as the SDK finds them. */
    public static GoogleAccessTokens applicationDefault(List<String> scopes) {
        return new GoogleAccessTokens(GoogleCredentials::getApplicationDefault, scopes,
                "Google application default credentials");
    }

    /** Tokens from the metadata server at {@code host} ({@code host:port}) in place of {@code metadata.google.internal}. */
    public static GoogleAccessTokens metadataServer(String host, List<String> scopes) {
        MetadataHostTransport transport = new MetadataHostTransport(host);
        return new GoogleAccessTokens(() -> ComputeEngineCredentials.newBuilder().setHttpTransportFactory(transport).build(),
                scopes, "Google metadata server " + host);
    }

    /**
     * Checks {@code keyFile} at start: readable, a Google credentials file, its key well formed.
     *
     * @throws CredentialsUnavailableException naming the file, not its content
     */
    public static void checkKeyFile(Path keyFile) {
        GoogleCredentialsFile.load(keyFile);
    }

    @Override
    public IssuedCredentials issue() {
        AccessToken token;
        try {
            GoogleCredentials credentials = source.load();
            // Scopes go to credentials that ask for them (keys, external accounts); a metadata server's tokens
            // carry the scopes the VM or node was given, and a user's those of their login.
            if (credentials.createScopedRequired()) {
                credentials = credentials.createScoped(scopes);
            }
            token = credentials.refreshAccessToken();
        } catch (CredentialsUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CredentialsUnavailableException(kind + " gave no access token: " + oneLine(e.getMessage()), e);
        }
        Credentials credentials = new Credentials(ACCESS_TOKEN_USER, token.getTokenValue());
        // A token without an expiry is kept until the registry refuses it.
        return token.getExpirationTime() == null ? IssuedCredentials.lasting(credentials)
                : IssuedCredentials.until(credentials, token.getExpirationTime().toInstant());
    }

    @Override
    public String kind() {
        return kind;
    }

    /** The SDK's message on one line: its reason (a token endpoint's OAuth2 error) comes after the first. */
    private static String oneLine(String message) {
        String line = message == null ? "" : String.join(" ", message.strip().split("\\s*\\R\\s*"));
        return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
