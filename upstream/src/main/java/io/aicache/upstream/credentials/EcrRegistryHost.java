package io.aicache.upstream.credentials;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an Amazon ECR registry's host name says: {@code <account>.dkr.ecr.<region>.amazonaws.com}, in China
 * {@code .amazonaws.com.cn}, with FIPS endpoints {@code dkr.ecr-fips.<region>}. The token service to ask is
 * the one of the region the registry is in.
 */
public final class EcrRegistryHost {

    /** The shape registries are named in, for messages. */
    public static final String SHAPE = "<account>.dkr.ecr.<region>.amazonaws.com";

    private static final Pattern HOST = Pattern.compile(
            "[0-9]{12}\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?", Pattern.CASE_INSENSITIVE);

    private EcrRegistryHost() {
    }

    /** The region in {@code registry}'s name, lower-cased; empty when the name is not an ECR host's. */
    public static Optional<String> region(String registry) {
        Matcher matcher = HOST.matcher(registry);
        return matcher.matches() ? Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
