package io.aicache.proxy.files;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import io.aicache.model.Digest;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.storage.BlobStore;
import io.aicache.storage.FileRecords;
import io.aicache.storage.FileRecords.FileUrl;
import io.aicache.storage.FileVersion;
import io.aicache.storage.StoredBlob;
import io.aicache.upstream.FileRemote;

/**
 * The versions of files by URL, for the admin API and garbage collection: which URLs are kept,
 * each one's history, the body of a version (by number, or the one served at a time), pins, and
 * retention (each URL's current version, its pinned ones and its {@code keepVersions} most recent
 * stay; older versions are forgotten and their bodies left to collection). Runs on the storage executor.
 */
public final class FileHistory {

    private final BlobStore store;
    private final FileRecords records;
    private final List<FileRemote> remotes;
    private final int keepVersions;

    public FileHistory(BlobStore store, List<FileRemote> remotes, int keepVersions) {
        this.store = store;
        this.records = store.files();
        this.remotes = remotes.stream().sorted(Comparator.comparingInt((FileRemote r) -> r.url().toString().length()).reversed())
                .toList();
        this.keepVersions = keepVersions;
    }

    /** What one collection kept and forgot: the bodies that stay, and the versions that went (or would). */
    public record Retention(Set<Digest> kept, List<Map<String, Object>> dropped) {
    }

    /**
     * The file a client names: its upstream URL ({@code https://raw.githubusercontent.com/...}), its URL
     * on aicache ({@code http://aicache:5000/files/<remote>/<path>}, or the path alone), or
     * {@code <remote>/<path>}.
     */
    public FileUrl resolve(String text) {
        for (FileRemote remote : remotes) {
            String base = remote.url().toString();
            if (text.startsWith(base) && text.length() > base.length()) {
                return parsed(remote.name() + "/" + text.substring(base.length()));
            }
        }
        String rest = text.replaceFirst("^https?://[^/]+", "");
        if (rest.startsWith(FileRequestPath.PREFIX)) {
            return parsed(rest.substring(FileRequestPath.PREFIX.length()));
        }
        if (!rest.equals(text)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "'" + text + "' is under no configured file remote"
                    + " (files.remotes) and is no aicache /files/ URL");
        }
        return parsed(text);
    }

    private FileUrl parsed(String remoteAndPath) {
        FileRequestPath path = FileRequestPath.parse(FileRequestPath.PREFIX + remoteAndPath);
        return new FileUrl(path.remote(), path.rawPath());
    }

    /** Every kept URL: its remote and path, upstream URL, number of versions, and the current one. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> urls = new ArrayList<>();
        records.forEachUrl((url, record) -> {
            List<FileVersion> versions = records.versions(url);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", url.toString());
            entry.put("url", upstreamUrl(url));
            entry.put("versions", versions.size());
            entry.put("current", record.current());
            versions.stream().filter(v -> v.number() == record.current()).findFirst().ifPresent(current -> {
                entry.put("digest", current.digest().toString());
                entry.put("size", current.size());
            });
            entry.put("validatedAt", Instant.ofEpochMilli(record.validatedAtMillis()).toString());
            urls.add(entry);
        });
        return urls;
    }

    /** The URL's versions, oldest first, with digests, sizes and when each was first and last seen. */
    public Map<String, Object> history(FileUrl url) {
        int current = records.url(url).orElseThrow(() -> unknown(url)).current();
        List<Map<String, Object>> versions = new ArrayList<>();
        for (FileVersion version : records.versions(url)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("version", version.number());
            entry.put("digest", version.digest().toString());
            entry.put("size", version.size());
            entry.put("contentType", version.contentType());
            entry.put("firstSeen", Instant.ofEpochMilli(version.firstSeenMillis()).toString());
            entry.put("lastSeen", Instant.ofEpochMilli(version.lastSeenMillis()).toString());
            entry.put("current", version.number() == current);
            entry.put("pinned", version.pinned());
            entry.put("bodyKept", store.blobs().get(version.digest()).isPresent());
            versions.add(entry);
        }
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("file", url.toString());
        history.put("url", upstreamUrl(url));
        history.put("versions", versions);
        return history;
    }

    /**
     * Version {@code number}, or with {@code at} (an ISO-8601 instant) the one the URL served then (the
     * last first seen at or before it); the current one when both are null.
     */
    public FileVersion version(FileUrl url, Integer number, String at) {
        int current = records.url(url).orElseThrow(() -> unknown(url)).current();
        if (number != null) {
            return records.version(url, number).orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
                    "file " + url + " has no version " + number));
        }
        if (at == null) {
            return records.version(url, current).orElseThrow(() -> unknown(url));
        }
        long millis;
        try {
            millis = Instant.parse(at).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID, "at must be an ISO-8601 time such as 2026-12-02T10:00:00Z, got '"
                    + at + "'");
        }
        FileVersion then = null;
        for (FileVersion version : records.versions(url)) {
            if (version.firstSeenMillis() <= millis && (then == null || version.firstSeenMillis() >= then.firstSeenMillis())) {
                then = version;
            }
        }
        if (then == null) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "file " + url + " was first seen after " + at);
        }
        return then;
    }

    /** The bytes of {@code version}, as upstream served them. */
    public byte[] body(FileUrl url, FileVersion version) {
        Optional<StoredBlob> blob = store.find(version.digest());
        Optional<byte[]> bytes = blob.flatMap(kept -> kept.record().compressed() ? store.readSmall(kept) : readFile(kept));
        return bytes.orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UNKNOWN, "the body of version "
                + version.number() + " of file " + url + " (" + version.digest() + ") is no longer kept"));
    }

    private static Optional<byte[]> readFile(StoredBlob blob) {
        try {
            return Optional.of(Files.readAllBytes(blob.file()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Map<String, Object> pin(FileUrl url, int number, boolean pinned) {
        if (!records.setPinned(url, number, pinned)) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "file " + url + " has no version " + number);
        }
        return Map.of("file", url.toString(), "version", number, "pinned", pinned);
    }

    /** Which kept bodies belong to pinned versions: eviction keeps them. */
    public Predicate<Digest> pinnedDigests() {
        Set<Digest> pinned = new HashSet<>();
        records.forEachUrl((url, record) -> records.versions(url).stream().filter(FileVersion::pinned)
                .forEach(version -> pinned.add(version.digest())));
        return pinned::contains;
    }

    /** Applies retention (or with {@code dryRun} says what it would drop). */
    public Retention retain(boolean dryRun) {
        Set<Digest> kept = new HashSet<>();
        List<Map<String, Object>> dropped = new ArrayList<>();
        records.forEachUrl((url, record) -> {
            List<FileVersion> versions = records.versions(url);
            for (int i = 0; i < versions.size(); i++) {
                FileVersion version = versions.get(i);
                boolean recent = i >= versions.size() - keepVersions;
                if (recent || version.pinned() || version.number() == record.current()) {
                    kept.add(version.digest());
                } else if (dryRun || records.dropVersion(url, version.number())) {
                    dropped.add(Map.of("file", url.toString(), "version", version.number(),
                            "digest", version.digest().toString()));
                }
            }
        });
        return new Retention(kept, dropped);
    }

    private String upstreamUrl(FileUrl url) {
        return remotes.stream().filter(remote -> remote.name().equals(url.remote())).findFirst()
                .map(remote -> remote.uriOf(url.path()).toString()).orElse("");
    }

    private static RegistryException unknown(FileUrl url) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "aicache keeps no file " + url);
    }
}
