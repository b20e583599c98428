package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Google service account's JSON key as the IAM console hands it out, for an RSA key pair made here,
 * with its {@code token_uri} at a test's token endpoint; and the check Google's token endpoint makes of
 * the JWT assertion signed with it (RS256 over {@code header.claims}, by this key's public half).
 */
public final class GoogleServiceAccountKey {

    public static final String CLIENT_EMAIL = "aicache-puller@test-project.iam.gserviceaccount.com";
    public static final String KEY_ID = "test-key-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair keys;
    private final Path file;

    private GoogleServiceAccountKey(KeyPair keys, Path file) {
        this.keys = keys;
        this.file = file;
    }

    /** Writes a new key to {@code file}, naming {@code tokenUri} as where its tokens come from. */
    public static GoogleServiceAccountKey write(Path file, URI tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Map<String, String> key = Map.of(
                    "type", "service_account",
                    "project_id", "test-project",
                    "private_key_id", KEY_ID,
                    "private_key", pem,
                    "client_email", CLIENT_EMAIL,
                    "client_id", "100000000000000000001",
                    "token_uri", tokenUri.toString());
            Files.write(file, JSON.writeValueAsBytes(key));
            return new GoogleServiceAccountKey(keys, file);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key pair", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    /** The JWT's header and claims, after its signature is checked with this key's public half. */
    public Jwt verify(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new AssertionError("not a signed JWT: " + parts.length + " parts");
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(keys.getPublic());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new AssertionError("the JWT's signature is not this key's");
            }
            return new Jwt(decode(parts[0]), decode(parts[1]));
        } catch (GeneralSecurityException e) {
            throw new AssertionError("cannot check the JWT's signature: " + e.getMessage(), e);
        }
    }

    /** A verified JWT's header ({@code alg}, {@code kid}) and claims ({@code iss}, {@code aud}, {@code scope}...). */
    public record Jwt(Map<String, Object> header, Map<String, Object> claims) {
    }

    private static Map<String, Object> decode(String part) {
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(part), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new AssertionError("a JWT part that is not JSON", e);
        }
    }
}
