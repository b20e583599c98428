package io.aicache.upstream.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;

/**
 * A Docker {@code config.json} (or a Kubernetes {@code .dockerconfigjson}, which has the same {@code auths}):
 * which credential helper serves a registry ({@code credHelpers}, else {@code credsStore}), or the
 * credentials written into it ({@code auths}: {@code auth}, {@code username}/{@code password},
 * {@code identitytoken}). Looked up as the Docker CLI does, by the registry's host under the spellings
 * {@code docker login} writes.
 */
public final class DockerConfigFile {

    /** The key {@code docker login} files Docker Hub under, and the server URL its helpers are asked for. */
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a registry's credentials are: a helper to run, credentials in the file, or nowhere. */
    public sealed interface Entry {
        /** Run {@code docker-credential-<helper> get} with {@code serverUrl}. */
        record Helper(String helper, String serverUrl) implements Entry {
        }

        /** Credentials written in the file. */
        record Inline(Credentials credentials) implements Entry {
        }
    }

    private final Path path;
    private final JsonNode root;

    private DockerConfigFile(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
    }

    /** Reads {@code path}; an unreadable file or one that is not a JSON object is refused with its path. */
    public static DockerConfigFile read(Path path) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new CredentialsUnavailableException("Docker config file " + path + " cannot be read: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + firstLine(e.getMessage())));
        }
        if (root == null || !root.isObject()) {
            throw new CredentialsUnavailableException("Docker config file " + path + " is not a JSON object");
        }
        return new DockerConfigFile(path, root);
    }

    /** The config file Docker itself reads: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultPath(String dockerConfigEnv, String home) {
        return dockerConfigEnv != null && !dockerConfigEnv.isEmpty()
                ? Path.of(dockerConfigEnv, "config.json")
                : Path.of(home, ".docker", "config.json");
    }

    public Path path() {
        return path;
    }

    /** Where {@code registry}'s credentials are; empty when the file has none for it. */
    public Optional<Entry> lookup(String registry) {
        List<String> keys = keys(registry);
        JsonNode helpers = root.path("credHelpers");
        for (String key : keys) {
            if (helpers.hasNonNull(key)) {
                String helper = helpers.get(key).asText();
                // As in Docker's CLI, an empty helper names the file itself: auths, not credsStore.
                return helper.isEmpty() ? inlineFor(keys) : Optional.of(new Entry.Helper(helper, serverUrl(registry)));
            }
        }
        if (root.hasNonNull("credsStore") && !root.get("credsStore").asText().isEmpty()) {
            return Optional.of(new Entry.Helper(root.get("credsStore").asText(), serverUrl(registry)));
        }
        return inlineFor(keys);
    }

    private Optional<Entry> inlineFor(List<String> keys) {
        JsonNode auths = root.path("auths");
        for (String key : keys) {
            if (auths.has(key)) {
                return inline(auths.get(key), key);
            }
        }
        return Optional.empty();
    }

    /** The helpers the file names for {@code registry}, or for any registry when it is null: checked at start. */
    public List<String> helpersFor(String registry) {
        List<String> named = new ArrayList<>();
        if (registry == null) {
            root.path("credHelpers").forEach(helper -> {
                if (!helper.asText().isEmpty()) {
                    named.add(helper.asText());
                }
            });
        } else {
            lookup(registry).ifPresent(entry -> {
                if (entry instanceof Entry.Helper helper) {
                    named.add(helper.helper());
                }
            });
        }
        if (root.hasNonNull("credsStore") && !root.get("credsStore").asText().isEmpty()) {
            named.add(root.get("credsStore").asText());
        }
        return named.stream().distinct().toList();
    }

    private Optional<Entry> inline(JsonNode entry, String key) {
        if (entry.hasNonNull("identitytoken") && !entry.get("identitytoken").asText().isEmpty()) {
            return Optional.of(new Entry.Inline(new Credentials(Credentials.IDENTITY_TOKEN_USER,
                    entry.get("identitytoken").asText())));
        }
        if (entry.hasNonNull("auth") && !entry.get("auth").asText().isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new CredentialsUnavailableException("Docker config file " + path + ": auths." + key
                        + ".auth is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new CredentialsUnavailableException("Docker config file " + path + ": auths." + key
                        + ".auth is not user:password in base64");
            }
            return Optional.of(new Entry.Inline(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1))));
        }
        if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
            String username = entry.get("username").asText();
            if (username.isEmpty()) {
                throw new CredentialsUnavailableException("Docker config file " + path + ": auths." + key
                        + ".username is empty");
            }
            return Optional.of(new Entry.Inline(new Credentials(username, entry.get("password").asText())));
        }
        return Optional.empty();
    }

    /** The spellings of {@code registry}'s key that {@code docker login} and kubectl write. */
    private static List<String> keys(String registry) {
        List<String> keys = new ArrayList<>();
        if (isDockerHub(registry)) {
            keys.add(DOCKER_HUB_KEY);
            keys.add("index.docker.io");
            keys.add("docker.io");
        }
        keys.add(registry);
        keys.add("https://" + registry);
        keys.add("https://" + registry + "/");
        keys.add("https://" + registry + "/v1/");
        keys.add("https://" + registry + "/v2/");
        keys.add("http://" + registry);
        return keys;
    }

    private static String serverUrl(String registry) {
        return isDockerHub(registry) ? DOCKER_HUB_KEY : registry;
    }

    private static boolean isDockerHub(String registry) {
        return registry.equals("docker.io") || registry.equals("index.docker.io") || registry.equals("registry-1.docker.io");
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
