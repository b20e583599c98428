package io.aicache.upstream.credentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;

import io.aicache.upstream.CredentialsUnavailableException;

/**
 * A Google credentials JSON file, loaded by its {@code type} with that type's own loader (the SDK's
 * catch-all loader is obsolete: it would take any type from any file): a service account's key,
 * a workload identity federation config ({@code external_account}), gcloud's user credentials
 * ({@code authorized_user}), or an impersonated service account. Errors name the file, never its content.
 */
final class GoogleCredentialsFile {

    private interface Loader {
        GoogleCredentials load(InputStream json) throws IOException;
    }

    private static final Map<String, Loader> LOADERS = Map.of(
            "service_account", ServiceAccountCredentials::fromStream,
            "external_account", ExternalAccountCredentials::fromStream,
            "authorized_user", UserCredentials::fromStream,
            "impersonated_service_account", ImpersonatedCredentials::fromStream);
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoogleCredentialsFile() {
    }

    /**
     * The credentials {@code path} holds. Nothing is asked of Google yet: a key that does not parse fails here.
     *
     * @throws CredentialsUnavailableException when the file cannot be read or is not a credentials file
     */
    static GoogleCredentials load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new CredentialsUnavailableException("Google credentials file " + path + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new CredentialsUnavailableException("Google credentials file " + path + " is not JSON");
        }
        String type = root == null ? "" : root.path("type").asText("");
        Loader loader = LOADERS.get(type);
        if (loader == null) {
            throw new CredentialsUnavailableException("Google credentials file " + path + " is not a credentials file:"
                    + " its \"type\" is " + (type.isEmpty() ? "missing" : "'" + type + "'") + ", expected one of "
                    + LOADERS.keySet().stream().sorted().toList());
        }
        try {
            return loader.load(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            // The SDK's messages name missing fields; they do not quote the key.
            throw new CredentialsUnavailableException("Google credentials file " + path + " is not a valid " + type
                    + " file: " + e.getMessage());
        }
    }
}
