package io.aicache.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import io.aicache.model.BlobReference;
import io.aicache.model.Digest;
import io.aicache.model.Repository;

/**
 * Which repositories a kept blob is known to belong to ({@code links}): a blob is stored once by
 * digest, but served under a repository only when linked to it, as CNCF distribution keeps a link
 * per repository. Keyed by the digest's key followed by {@code registry/name}, so the links of one
 * blob are neighbours and go together when it goes.
 */
public final class BlobLinks {

    /**
     * Kept blobs whose links are held in memory: 158 bytes each, measured (see {@code LinkFrontFootprint}
     * in benchmarks/), 16 MB for the blobs clients ask for most.
     */
    private static final int BLOBS_IN_MEMORY = 100_000;
    /** Distinct repositories shared between entries; beyond that, each entry holds its own. */
    private static final int MAX_SHARED_REPOSITORIES = 10_000;
    private static final Repository[] NONE = {};
    private static final byte[] LINK = {RecordCodec.VERSION_1};

    private final Family links;
    private final WriteOptions loggedWrite;
    /**
     * The repositories each blob is linked to, in memory in front of RocksDB: every hit reads it.
     * One entry per blob (most belong to one or a few repositories), blobs linked to none included,
     * keyed by the digest's hash as longs. Loaded inside the cache's per-key compute and invalidated
     * after each write or delete, as blob records are.
     */
    private final Cache<DigestHashKey, Repository[]> known = Caffeine.newBuilder().maximumSize(BLOBS_IN_MEMORY).build();
    private final SharedInstances<Repository> repositories = new SharedInstances<>(MAX_SHARED_REPOSITORIES);

    /** @param loggedWrite a lost link costs one question upstream, never a leak: not synced */
    BlobLinks(Family links, WriteOptions loggedWrite) {
        this.links = links;
        this.loggedWrite = loggedWrite;
    }

    /** Whether {@code blob} is known to belong to its repository. */
    public boolean has(BlobReference blob) {
        Digest digest = blob.digest();
        for (Repository linked : known.get(DigestHashKey.of(digest), key -> read(digest))) {
            if (linked.equals(blob.repository())) {
                return true;
            }
        }
        return false;
    }

    /** Records that {@code blob} belongs to its repository (a manifest of it references it, or upstream said so). */
    public void link(BlobReference blob) {
        links.put(key(blob), LINK, loggedWrite);
        known.invalidate(DigestHashKey.of(blob.digest()));
    }

    /** Drops every link of {@code digest}: its blob is gone. */
    public void unlinkAll(Digest digest) {
        for (Repository repository : repositoriesOf(digest)) {
            links.delete(key(repository.blob(digest)), loggedWrite);
        }
        known.invalidate(DigestHashKey.of(digest));
    }

    /**
     * Drops the links of every blob {@code gone} selects (one never kept, whose links a {@code HEAD} or
     * a manifest made); returns how many links went.
     */
    public int unlinkWhere(Predicate<Digest> gone) {
        List<byte[]> doomed = new ArrayList<>();
        Set<Digest> unlinked = new HashSet<>();
        try (RocksIterator it = links.newIterator()) {
            Digest current = null;
            boolean dropping = false;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                Digest digest = RecordCodec.digestFromKey(Arrays.copyOf(key, RecordCodec.digestKeyLength(key)));
                if (!digest.equals(current)) {
                    current = digest;
                    dropping = gone.test(digest);
                }
                if (dropping) {
                    doomed.add(key);
                    unlinked.add(digest);
                }
            }
        }
        doomed.forEach(key -> links.delete(key, loggedWrite));
        unlinked.forEach(digest -> known.invalidate(DigestHashKey.of(digest)));
        return doomed.size();
    }

    /** The repositories {@code digest} is linked to, in key order. */
    public List<Repository> repositoriesOf(Digest digest) {
        byte[] prefix = RecordCodec.digestKey(digest);
        List<Repository> linked = new ArrayList<>();
        try (RocksIterator it = links.newIterator()) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                linked.add(repositoryOf(it.key(), prefix.length));
            }
        }
        return linked;
    }

    private Repository[] read(Digest digest) {
        List<Repository> linked = repositoriesOf(digest);
        return linked.isEmpty() ? NONE : linked.stream().map(repositories::shared).toArray(Repository[]::new);
    }

    /** A link's key: the digest's key, then {@code registry/name}. */
    static byte[] key(BlobReference blob) {
        byte[] digest = RecordCodec.digestKey(blob.digest());
        byte[] repository = blob.repository().toString().getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(digest, digest.length + repository.length);
        System.arraycopy(repository, 0, key, digest.length, repository.length);
        return key;
    }

    private static Repository repositoryOf(byte[] key, int from) {
        String text = new String(key, from, key.length - from, StandardCharsets.UTF_8);
        int slash = text.indexOf('/');
        return new Repository(text.substring(0, slash), text.substring(slash + 1));
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length > prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
