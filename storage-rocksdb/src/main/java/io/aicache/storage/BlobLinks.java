package io.aicache.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

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

    /** About 150 bytes each: a few megabytes of heap for the blobs clients ask for most. */
    private static final int LINKS_IN_MEMORY = 50_000;
    private static final byte[] LINK = {RecordCodec.VERSION_1};

    private final Family links;
    private final WriteOptions loggedWrite;
    /**
     * Whether a blob is linked to a repository, in front of RocksDB: every hit reads one. Absent
     * links are remembered too (a blob asked for through another repository); each write or delete
     * invalidates its entry, as tag records are.
     */
    private final Cache<BlobReference, Boolean> known = Caffeine.newBuilder().maximumSize(LINKS_IN_MEMORY).build();
    /** How a miss is read: made once, so a lookup allocates no loader of its own. */
    private final Function<BlobReference, Boolean> readLink;

    /** @param loggedWrite a lost link costs one question upstream, never a leak: not synced */
    BlobLinks(Family links, WriteOptions loggedWrite) {
        this.links = links;
        this.loggedWrite = loggedWrite;
        this.readLink = blob -> links.get(key(blob)) != null;
    }

    /** Whether {@code blob} is known to belong to its repository. */
    public boolean has(BlobReference blob) {
        return known.get(blob, readLink);
    }

    /** Records that {@code blob} belongs to its repository (a manifest of it references it, or upstream said so). */
    public void link(BlobReference blob) {
        links.put(key(blob), LINK, loggedWrite);
        known.invalidate(blob);
    }

    /** Drops every link of {@code digest}: its blob is gone. */
    public void unlinkAll(Digest digest) {
        for (Repository repository : repositoriesOf(digest)) {
            BlobReference blob = repository.blob(digest);
            links.delete(key(blob), loggedWrite);
            known.invalidate(blob);
        }
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
