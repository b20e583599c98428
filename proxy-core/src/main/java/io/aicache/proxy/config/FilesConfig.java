package io.aicache.proxy.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.aicache.upstream.FileRemote;

/**
 * Files aicache serves by URL at {@code /files/<remote>/<path>} (Kubernetes manifests, CRDs,
 * installers from GitHub releases), and how long each is served before upstream is asked again.
 *
 * @param remotes      the origins, by name
 * @param maxBytes     the largest file accepted from a remote that sets no limit of its own
 * @param ttls         TTLs for paths with a segment that matches a pattern (first rule wins), before {@code ttl}
 * @param ttl          how long any other file is served before it is revalidated
 * @param staleIfError past its TTL, a kept file is served for this long when upstream cannot answer
 * @param keepVersions how many of a URL's most recent versions garbage collection keeps (pinned ones besides)
 */
public record FilesConfig(List<Remote> remotes, DataSize maxBytes, List<PathTtl> ttls, Duration ttl,
                          Duration staleIfError, int keepVersions) {

    public FilesConfig {
        remotes = remotes == null ? List.of() : List.copyOf(remotes);
        ttls = ttls == null ? List.of() : List.copyOf(ttls);
        if (maxBytes == null || maxBytes.bytes() < 1 || maxBytes.bytes() > 1L << 30) {
            throw new IllegalArgumentException("maxBytes must be between 1 byte and 1GiB, got " + maxBytes);
        }
        if (ttl == null || ttl.isNegative() || staleIfError == null || staleIfError.isNegative()) {
            throw new IllegalArgumentException("ttl and staleIfError must be durations of 0 or more");
        }
        if (keepVersions < 1) {
            throw new IllegalArgumentException("keepVersions must be 1 or more (the current version is always kept), got "
                    + keepVersions);
        }
        Set<String> names = new HashSet<>();
        for (Remote remote : remotes) {
            if (!names.add(remote.name())) {
                throw new IllegalArgumentException("file remote '" + remote.name() + "' is configured twice");
            }
            remote.toFileRemote(maxBytes);
        }
    }

    public List<FileRemote> fileRemotes() {
        return remotes.stream().map(remote -> remote.toFileRemote(maxBytes)).toList();
    }

    /**
     * One origin.
     *
     * @param name     the name in aicache's URLs: {@code /files/<name>/<path>}
     * @param url      the origin's base URL; {@code <url><path>} is fetched
     * @param token    a bearer token sent only to this origin, never logged; null: none
     * @param maxBytes this remote's size limit; null: {@code files.maxBytes}
     */
    public record Remote(String name, URI url, String token, DataSize maxBytes) {
        public Remote {
            if (maxBytes != null && (maxBytes.bytes() < 1 || maxBytes.bytes() > 1L << 30)) {
                throw new IllegalArgumentException("maxBytes of file remote '" + name + "' must be between 1 byte and 1GiB");
            }
        }

        FileRemote toFileRemote(DataSize defaultMax) {
            return new FileRemote(name, url, Optional.ofNullable(token), (maxBytes == null ? defaultMax : maxBytes).bytes());
        }

        @Override
        public String toString() {
            return "Remote[name=" + name + ", url=" + url + (token == null ? "" : ", token=(set)") + "]";
        }
    }

    /** @param pattern a regular expression one whole segment of the path must match */
    public record PathTtl(String pattern, Duration ttl) {
        public PathTtl {
            ManifestsConfig.TagTtl.check(pattern, ttl);
        }
    }
}
