package io.aicache.storage;

import static io.aicache.storage.LengthPrefixed.getString;
import static io.aicache.storage.LengthPrefixed.putString;
import static io.aicache.storage.LengthPrefixed.utf8;
import static io.aicache.storage.LengthPrefixed.versioned;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import io.aicache.model.Digest;

/**
 * File URLs and every body each has served ({@code files}): one URL record per URL
 * ({@code u\0<remote>\0<path>}) and one record per version ({@code v\0<remote>\0<path>\0<number>},
 * the number big-endian so a URL's versions walk in order), each in a versioned encoding. A new
 * body adds a version and never replaces one; the bodies themselves are blobs of the blob store.
 * Writes are serialised ({@code synchronized}): version numbers are read and given out under one lock.
 */
public final class FileRecords {

    private static final byte VERSION_1 = 1;
    /** URL records in memory in front of RocksDB: every hit reads one. */
    private static final int URL_RECORDS_IN_MEMORY = 20_000;

    private final Family files;
    private final WriteOptions syncWrite;
    private final Cache<FileUrl, Optional<Current>> urls = Caffeine.newBuilder().maximumSize(URL_RECORDS_IN_MEMORY).build();

    FileRecords(Family files, WriteOptions syncWrite) {
        this.files = files;
        this.syncWrite = syncWrite;
    }

    /** A file URL as aicache names it: a configured remote and the path below its URL. */
    public record FileUrl(String remote, String path) {
        public FileUrl {
            if (remote == null || remote.isEmpty() || remote.indexOf('\0') >= 0 || path == null || path.isEmpty()
                    || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a file URL needs a remote and a path without NUL characters");
            }
        }

        @Override
        public String toString() {
            return remote + "/" + path;
        }
    }

    /** A URL's record and the version it serves. */
    public record Current(FileUrlRecord record, FileVersion version) {
    }

    /** The URL's record and current version, if it ever served a body: what every request reads. */
    public Optional<Current> current(FileUrl url) {
        return urls.get(url, key -> {
            byte[] value = files.get(urlKey(key));
            if (value == null) {
                return Optional.empty();
            }
            FileUrlRecord record = decodeUrl(value);
            return version(key, record.current()).map(version -> new Current(record, version));
        });
    }

    /** The URL's record, if it ever served a body. */
    public Optional<FileUrlRecord> url(FileUrl url) {
        return current(url).map(Current::record);
    }

    /** Every version of {@code url}, oldest first. */
    public List<FileVersion> versions(FileUrl url) {
        List<FileVersion> versions = new ArrayList<>();
        byte[] prefix = versionPrefix(url);
        try (RocksIterator it = files.newIterator()) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                versions.add(decodeVersion(it.value()));
            }
        }
        return versions;
    }

    public Optional<FileVersion> version(FileUrl url, int number) {
        byte[] value = files.get(versionKey(url, number));
        return value == null ? Optional.empty() : Optional.of(decodeVersion(value));
    }

    /**
     * Records that upstream served {@code digest} for {@code url} at {@code nowMillis}: a body the URL
     * served before becomes current again (its last-seen time moves on), a new one becomes the next
     * version. Synced: written after the body's blob is kept.
     */
    public synchronized Current served(FileUrl url, Digest digest, long size, String contentType, String etag,
                                           String lastModified, long nowMillis) {
        List<FileVersion> versions = versions(url);
        FileVersion version = versions.stream().filter(v -> v.digest().equals(digest)).findFirst()
                .map(known -> known.seenAt(nowMillis))
                .orElseGet(() -> new FileVersion(versions.isEmpty() ? 1 : versions.get(versions.size() - 1).number() + 1,
                        digest, size, contentType, nowMillis, nowMillis, false));
        FileUrlRecord record = new FileUrlRecord(version.number(), etag, lastModified, nowMillis);
        write(url, version, record);
        return new Current(record, version);
    }

    /** Upstream confirmed the current version (a 304) at {@code nowMillis}: its TTL starts again, its last-seen moves on. */
    public synchronized Optional<Current> confirmed(FileUrl url, long nowMillis) {
        return current(url).map(known -> {
            FileUrlRecord record = known.record();
            FileVersion seen = known.version().seenAt(nowMillis);
            FileUrlRecord revalidated = new FileUrlRecord(record.current(), record.etag(), record.lastModified(), nowMillis);
            write(url, seen, revalidated);
            return new Current(revalidated, seen);
        });
    }

    /** Pins or unpins one version; false when the URL has no such version. */
    public synchronized boolean setPinned(FileUrl url, int number, boolean pinned) {
        Optional<FileVersion> version = version(url, number);
        version.ifPresent(v -> files.put(versionKey(url, number), encodeVersion(v.withPinned(pinned)), syncWrite));
        urls.invalidate(url);
        return version.isPresent();
    }

    /** Forgets one version that is not the URL's current one (retention); false when it is current or absent. */
    public synchronized boolean dropVersion(FileUrl url, int number) {
        if (url(url).map(record -> record.current() == number).orElse(true) || version(url, number).isEmpty()) {
            return false;
        }
        files.delete(versionKey(url, number), syncWrite);
        return true;
    }

    /** Calls {@code visitor} for every URL with a record, in key order (remote, then path). */
    public void forEachUrl(BiConsumer<FileUrl, FileUrlRecord> visitor) {
        byte[] prefix = utf8("u\0");
        try (RocksIterator it = files.newIterator()) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                String[] parts = new String(it.key(), StandardCharsets.UTF_8).split("\0", 3);
                visitor.accept(new FileUrl(parts[1], parts[2]), decodeUrl(it.value()));
            }
        }
    }

    private void write(FileUrl url, FileVersion version, FileUrlRecord record) {
        files.write(syncWrite, batch -> {
            batch.put(files.handle(), versionKey(url, version.number()), encodeVersion(version));
            batch.put(files.handle(), urlKey(url), encodeUrl(record));
        });
        urls.invalidate(url);
    }

    static byte[] urlKey(FileUrl url) {
        return utf8("u\0" + url.remote() + "\0" + url.path());
    }

    static byte[] versionPrefix(FileUrl url) {
        return utf8("v\0" + url.remote() + "\0" + url.path() + "\0");
    }

    static byte[] versionKey(FileUrl url, int number) {
        byte[] prefix = versionPrefix(url);
        return ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(number).array();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] encodeUrl(FileUrlRecord record) {
        byte[] etag = utf8(record.etag());
        byte[] lastModified = utf8(record.lastModified());
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 + 2 * 4 + etag.length + lastModified.length);
        out.put(VERSION_1).putInt(record.current()).putLong(record.validatedAtMillis());
        putString(out, etag);
        putString(out, lastModified);
        return out.array();
    }

    private static FileUrlRecord decodeUrl(byte[] value) {
        ByteBuffer in = versioned(value, VERSION_1, "file");
        int current = in.getInt();
        long validatedAt = in.getLong();
        String etag = getString(in);
        return new FileUrlRecord(current, etag, getString(in), validatedAt);
    }

    private static byte[] encodeVersion(FileVersion version) {
        byte[] digest = utf8(version.digest().toString());
        byte[] type = utf8(version.contentType());
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 + 8 + 8 + 1 + 2 * 4 + digest.length + type.length);
        out.put(VERSION_1).putInt(version.number()).putLong(version.size()).putLong(version.firstSeenMillis())
                .putLong(version.lastSeenMillis()).put((byte) (version.pinned() ? 1 : 0));
        putString(out, digest);
        putString(out, type);
        return out.array();
    }

    private static FileVersion decodeVersion(byte[] value) {
        ByteBuffer in = versioned(value, VERSION_1, "file");
        int number = in.getInt();
        long size = in.getLong();
        long firstSeen = in.getLong();
        long lastSeen = in.getLong();
        boolean pinned = in.get() == 1;
        Digest digest = Digest.parse(getString(in));
        return new FileVersion(number, digest, size, getString(in), firstSeen, lastSeen, pinned);
    }
}
