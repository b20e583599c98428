package io.aicache.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An htpasswd file ({@code user:hash} a line, {@code #} comments) of bcrypt hashes
 * ({@code htpasswd -B}): the other kinds (MD5-crypt, SHA-1, crypt, plain) are refused, being
 * fast to guess.
 */
public final class HtpasswdFile {

    private HtpasswdFile() {
    }

    /** Each user's hash, in file order; throws IllegalArgumentException naming the file and the line. */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("htpasswd file '" + file + "' cannot be read: it does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("htpasswd file '" + file + "' cannot be read: " + e.getMessage());
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("htpasswd file '" + file + "' line " + (i + 1) + " is not user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            if (!isBcrypt(hash)) {
                throw new IllegalArgumentException("htpasswd file '" + file + "' line " + (i + 1) + ": user '" + user
                        + "' has a " + kindOf(hash) + " hash; only bcrypt is accepted (htpasswd -B)");
            }
            users.put(user, hash);
        }
        return users;
    }

    private static boolean isBcrypt(String hash) {
        return hash.length() == 60 && (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$"));
    }

    private static String kindOf(String hash) {
        if (hash.startsWith("$apr1$")) {
            return "MD5 (apr1)";
        }
        if (hash.startsWith("{SHA}")) {
            return "SHA-1";
        }
        if (hash.startsWith("$")) {
            return "non-bcrypt crypt";
        }
        return "crypt or plain-text";
    }
}
