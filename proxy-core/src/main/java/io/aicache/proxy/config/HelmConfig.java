package io.aicache.proxy.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.aicache.upstream.ChartRepository;
import io.aicache.upstream.Credentials;

/**
 * The classic Helm chart repositories aicache mirrors at {@code /helm/<name>/}, and what it
 * does with the charts pulled through it.
 *
 * @param repositories  the repositories, by name
 * @param indexTtl      how long a kept {@code index.yaml} is served before upstream is asked again
 * @param staleIfError  past its TTL, a kept index is served for this long when upstream cannot answer
 * @param maxChartBytes the largest chart archive accepted from upstream
 * @param prefetchImages   prefetch the images a chart fetched from upstream refers to
 * @param prefetchPlatforms the platforms to prefetch ({@code linux/amd64}); empty: every platform
 */
public record HelmConfig(List<Repository> repositories, Duration indexTtl, Duration staleIfError, DataSize maxChartBytes,
                         boolean prefetchImages, List<String> prefetchPlatforms) {

    public HelmConfig {
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
        prefetchPlatforms = prefetchPlatforms == null ? List.of() : List.copyOf(prefetchPlatforms);
        for (String platform : prefetchPlatforms) {
            if (!platform.matches("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?")) {
                throw new IllegalArgumentException("prefetchPlatforms: '" + platform
                        + "' is not os/architecture[/variant], such as linux/amd64");
            }
        }
        if (indexTtl == null || indexTtl.isNegative() || staleIfError == null || staleIfError.isNegative()) {
            throw new IllegalArgumentException("indexTtl and staleIfError must be durations of 0 or more");
        }
        if (maxChartBytes == null || maxChartBytes.bytes() < 1024 || maxChartBytes.bytes() > 1L << 30) {
            throw new IllegalArgumentException("maxChartBytes must be between 1KiB and 1GiB, got " + maxChartBytes);
        }
        Set<String> names = new HashSet<>();
        for (Repository repository : repositories) {
            if (!names.add(repository.name())) {
                throw new IllegalArgumentException("chart repository '" + repository.name() + "' is configured twice");
            }
        }
    }

    /**
     * One chart repository.
     *
     * @param name the name in aicache's URLs: {@code /helm/<name>/index.yaml}
     * @param url  the repository's URL upstream (where its {@code index.yaml} is)
     */
    public record Repository(String name, URI url, String username, String password) {
        public Repository {
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("chart repository '" + name + "' needs both username and password, or neither");
            }
            toChartRepository(name, url, username, password);
        }

        public ChartRepository toChartRepository() {
            return toChartRepository(name, url, username, password);
        }

        private static ChartRepository toChartRepository(String name, URI url, String username, String password) {
            return new ChartRepository(name, url, username == null ? Optional.empty()
                    : Optional.of(new Credentials(username, password)));
        }

        @Override
        public String toString() {
            return "Repository[name=" + name + ", url=" + url + ", username=" + username + "]";
        }
    }
}
