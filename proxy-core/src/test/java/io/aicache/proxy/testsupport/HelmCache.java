package io.aicache.proxy.testsupport;

import java.nio.file.Path;

/** Where Helm (as helm-java runs it) keeps what it downloads, so tests can remove what they made it fetch. */
public final class HelmCache {

    private HelmCache() {
    }

    /** {@code $HELM_CACHE_HOME}, else {@code $XDG_CACHE_HOME/helm}, else {@code ~/.cache/helm}. */
    public static Path home() {
        String helm = System.getenv("HELM_CACHE_HOME");
        String xdg = System.getenv("XDG_CACHE_HOME");
        return helm != null ? Path.of(helm)
                : xdg != null ? Path.of(xdg, "helm") : Path.of(System.getProperty("user.home"), ".cache", "helm");
    }
}
