package io.aicache.proxy.oci;

import java.util.regex.Pattern;

import io.aicache.model.Digest;
import io.aicache.proxy.config.PerThreadMatcher;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/** Validation of repository names, tags and digests against the OCI distribution spec's grammar. */
public final class References {

    private static final PerThreadMatcher NAME = new PerThreadMatcher(Pattern.compile(
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"));
    private static final PerThreadMatcher TAG = new PerThreadMatcher(Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}"));
    /** Distribution caps names (with the registry host) at 255 characters. */
    private static final int MAX_NAME_LENGTH = 255;

    private References() {
    }

    public static String requireName(String name) {
        if (name.length() > MAX_NAME_LENGTH || !NAME.matches(name)) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name '" + shorten(name)
                    + "': expected lower-case components separated by '/', such as library/alpine");
        }
        return name;
    }

    public static String requireTag(String tag) {
        if (!TAG.matches(tag)) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "invalid tag '" + shorten(tag)
                    + "': expected up to 128 characters of letters, digits, '_', '.' and '-'");
        }
        return tag;
    }

    public static Digest requireDigest(String text) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest '" + shorten(text) + "': " + e.getMessage());
        }
    }

    private static String shorten(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }
}
