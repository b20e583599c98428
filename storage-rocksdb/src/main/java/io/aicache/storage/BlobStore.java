package io.aicache.storage;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Digest;

/**
 * Content-addressed blob storage under a data directory:
 * {@code blobs/<alg>/<xx>/<hex>} for complete blobs, {@code partial/<alg>-<hex>} for fills,
 * {@code index/} for RocksDB, whose records are reached through the store of each kind
 * ({@link #blobs()}, {@link #tags()}, {@link #fills()}, {@link #responses()}, {@link #helm()}, {@link #files()},
 * {@link #settings()}, {@link #links()}).
 *
 * <p>A blob becomes visible only after its bytes were synced and its file renamed into
 * place; the index entry is written after the rename. A lookup that finds an index entry
 * without its file (or with the wrong size) drops the entry, so the blob is fetched again
 * rather than served broken.
 */
public final class BlobStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);

    private final Path dataDir;
    private final Path blobsDir;
    private final Path partialDir;
    private final CacheIndex index;
    private final BlobIndex blobs;
    private final FillRecords fills;
    private final Executor housekeeping;
    private final DiskBudget budget;
    private final AccessTracker accesses;
    private final Evictor evictor;
    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicBoolean evictionScheduled = new AtomicBoolean();
    private final AtomicLong evicted = new AtomicLong();
    private final Map<Digest, Integer> leases = new ConcurrentHashMap<>();
    private volatile Supplier<Predicate<Digest>> retained = () -> digest -> false;
    private volatile Consumer<Digest> onDropped = digest -> { };

    private BlobStore(Path dataDir, long indexCacheBytes, RocksDbOptionsSetter indexOptions, Executor housekeeping,
                      DiskBudget budget) throws IOException {
        this.housekeeping = housekeeping;
        this.budget = budget;
        this.dataDir = dataDir;
        this.blobsDir = Files.createDirectories(dataDir.resolve("blobs"));
        this.partialDir = Files.createDirectories(dataDir.resolve("partial"));
        this.index = CacheIndex.open(dataDir.resolve("index"), indexCacheBytes, indexOptions);
        this.blobs = index.blobs();
        this.fills = index.fills();
        this.accesses = new AccessTracker(blobs);
        this.evictor = new Evictor(blobs, accesses);
    }

    /** Opens the store; index entries of vanished files are dropped on the calling thread. */
    public static BlobStore open(Path dataDir, long indexCacheBytes) {
        return open(dataDir, indexCacheBytes, Runnable::run, DiskBudget.UNLIMITED);
    }

    /**
     * Opens the store, creating its directories, and reconciles partial fills left by a crash.
     *
     * @param housekeeping where index entries of vanished files are dropped and eviction runs, so a
     *                     lookup on an event loop never waits for them
     * @param budget       how much the store may keep
     */
    public static BlobStore open(Path dataDir, long indexCacheBytes, Executor housekeeping, DiskBudget budget) {
        return open(dataDir, indexCacheBytes, RocksDbOptionsSetter.NONE, housekeeping, budget);
    }

    /**
     * Opens the store as {@link #open(Path, long, Executor, DiskBudget)} does, the index's RocksDB
     * options tuned by {@code indexOptions} after aicache's own.
     */
    public static BlobStore open(Path dataDir, long indexCacheBytes, RocksDbOptionsSetter indexOptions,
                                 Executor housekeeping, DiskBudget budget) {
        BlobStore store;
        try {
            store = new BlobStore(dataDir, indexCacheBytes, indexOptions, housekeeping, budget);
        } catch (IOException e) {
            throw new StorageException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        store.reconcileFills();
        return store;
    }

    /** Where blob uses are counted (for eviction). */
    public AccessTracker accesses() {
        return accesses;
    }

    /**
     * Says which blobs eviction must keep whatever their age (pinned images), asked once per
     * eviction; the store itself keeps leased ones.
     */
    public void retain(Supplier<Predicate<Digest>> keep) {
        this.retained = keep;
    }

    /**
     * Tells {@code listener} of every blob the store lets go, whatever let it go (a purge, garbage
     * collection, a scrub that found it broken, eviction): copies of it held elsewhere (the hot
     * tier) can go too.
     */
    public void onDropped(Consumer<Digest> listener) {
        this.onDropped = listener;
    }

    /** Keeps {@code digest} from eviction until the lease is closed (a reader is sending it). */
    public Lease lease(Digest digest) {
        leases.merge(digest, 1, Integer::sum);
        return () -> leases.computeIfPresent(digest, (d, count) -> count == 1 ? null : count - 1);
    }

    /** A hold on a blob; closing it is cheap and never fails. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /** Bytes kept, bytes reserved by fills under way, and the budget. */
    public Usage usage() {
        return new Usage(blobs.totalBytes(), reservedBytes.get(), budget.maxBytes());
    }

    /**
     * Whether the data directory's disk has less free space than the budget's minimum: then
     * nothing new should be kept (a fill would fail or starve the index of room).
     */
    public boolean shortOfSpace() {
        if (budget.minFreeBytes() == 0) {
            return false;
        }
        try {
            return Files.getFileStore(dataDir).getUsableSpace() < budget.minFreeBytes();
        } catch (IOException e) {
            LOG.warn("cannot read the free space of {}: {}", dataDir, e.getMessage());
            return true;
        }
    }

    /** @param maxBytes 0 when unlimited */
    public record Usage(long usedBytes, long reservedBytes, long maxBytes) {
    }

    /** The records of kept blobs, their uses and the total of their sizes. */
    public BlobIndex blobs() {
        return blobs;
    }

    /** Kept tags and the manifests they point at. */
    public TagStore tags() {
        return index.tags();
    }

    /** Records of fills under way: which chunks of each landed. */
    public FillRecords fills() {
        return fills;
    }

    /** Upstream answers kept whole (referrers lists). */
    public StoredResponses responses() {
        return index.responses();
    }

    /** What is known of classic chart repositories: their indexes and where their charts live. */
    public HelmRecords helm() {
        return index.helm();
    }

    /** File URLs and every body each has served. */
    public FileRecords files() {
        return index.files();
    }

    /** Small named values kept across restarts (runtime pins). */
    public Settings settings() {
        return index.settings();
    }

    /** Which repositories each kept blob belongs to: a blob is served under a repository only when linked to it. */
    public BlobLinks links() {
        return index.links();
    }

    /** The complete blob, when it is indexed and its file is intact in size. */
    public Optional<StoredBlob> find(Digest digest) {
        Optional<BlobRecord> record = blobs.get(digest);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Path file = blobPath(digest);
        try {
            if (Files.size(file) == record.get().storedSize()) {
                return Optional.of(new StoredBlob(record.get(), file));
            }
            LOG.warn("blob {} has the wrong size on disk; dropping it so it is fetched again", digest);
        } catch (NoSuchFileException e) {
            LOG.warn("blob {} is indexed but its file is gone; dropping it so it is fetched again", digest);
        } catch (IOException e) {
            LOG.warn("blob {} cannot be read ({}); dropping it so it is fetched again", digest, e.getMessage());
        }
        housekeeping.execute(() -> forgetIfBroken(digest));
        return Optional.empty();
    }

    /** Starts a fill: an empty partial file and a fill record. */
    public PartialBlob beginFill(Digest digest, long size, int chunkSize) {
        reserve(Math.max(size, 0));
        try {
            return PartialBlob.create(digest, size, chunkSize, partialPath(digest), fills);
        } catch (IOException e) {
            reservedBytes.addAndGet(-Math.max(size, 0));
            throw new StorageException("cannot create a partial file for " + digest + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fill of {@code digest} a restart interrupted, reopened with the chunks that landed,
     * when it was planned with {@code chunkSize} and its file is still there; otherwise empty
     * (and whatever was left of it is dropped). The final digest check still covers every byte.
     */
    public Optional<PartialBlob> resumeFill(Digest digest, int chunkSize) {
        Optional<FillRecord> record = fills.get(digest);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Path file = partialPath(digest);
        if (record.get().chunkSize() == chunkSize && record.get().size() >= 0 && Files.isRegularFile(file)) {
            try {
                PartialBlob reopened = PartialBlob.reopen(record.get(), file, fills);
                reserve(reopened.size());
                return Optional.of(reopened);
            } catch (IOException e) {
                LOG.warn("cannot reopen the partial file of {} ({}); fetching it anew", digest, e.getMessage());
            }
        }
        fills.delete(digest);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Makes a verified fill a complete blob: sync, rename into {@code blobs/}, then index.
     * The caller has checked the digest over every byte. A small blob that compresses well is
     * stored compressed instead (readers of the fill keep the partial file open, so they are
     * not disturbed).
     */
    public BlobRecord commit(PartialBlob partial, long size, String mediaType) {
        Digest digest = partial.digest();
        try {
            partial.force();
            partial.close();
            Path target = blobPath(digest);
            Files.createDirectories(target.getParent());
            byte[] compressed = BlobCompression.mayCompress(size) ? compressedFill(partial, size, mediaType) : null;
            BlobRecord record;
            if (compressed == null) {
                moveAtomically(partial.file(), target);
                record = new BlobRecord(digest, size, mediaType, System.currentTimeMillis());
            } else {
                writeDurably(digest, compressed, target);
                Files.delete(partial.file());
                record = new BlobRecord(digest, size, mediaType, System.currentTimeMillis(), BlobRecord.Encoding.LZ4,
                        compressed.length);
            }
            blobs.put(record);
            fills.delete(digest);
            reservedBytes.addAndGet(-Math.max(partial.size(), 0));
            evictLaterIfOverBudget();
            return record;
        } catch (IOException e) {
            abandon(partial);
            throw new StorageException("cannot commit blob " + digest + ": " + e.getMessage(), e);
        }
    }

    private static byte[] compressedFill(PartialBlob partial, long size, String mediaType) throws IOException {
        byte[] bytes = Files.readAllBytes(partial.file());
        return bytes.length == size ? BlobCompression.compressIfWorthIt(bytes, mediaType) : null;
    }

    /** Drops a fill that failed: nothing of it is kept. */
    public void abandon(PartialBlob partial) {
        reservedBytes.addAndGet(-Math.max(partial.size(), 0));
        try {
            partial.close();
            Files.deleteIfExists(partial.file());
        } catch (IOException e) {
            LOG.warn("cannot delete partial file {}: {}", partial.file(), e.getMessage());
        }
        fills.delete(partial.digest());
    }

    /** Sets a fill aside (aicache stops, or nobody reads it): its file and record stay for a later resume. */
    public void suspend(PartialBlob partial) {
        reservedBytes.addAndGet(-Math.max(partial.size(), 0));
        try {
            partial.close();
        } catch (IOException e) {
            LOG.warn("cannot close the partial file of {}: {}", partial.digest(), e.getMessage());
        }
    }

    /**
     * Stores a small object whose digest the caller verified (a manifest), durably; LZ4-compressed
     * when that saves at least a fifth.
     */
    public BlobRecord putSmall(Digest digest, byte[] bytes, String mediaType) {
        return putWhole(digest, bytes, mediaType, BlobCompression.compressIfWorthIt(bytes, mediaType));
    }

    /**
     * Stores an object whose digest the caller verified, durably and as it is, so it is served with
     * zero-copy sends (files by URL, read far more often than they are written).
     */
    public BlobRecord putUncompressed(Digest digest, byte[] bytes, String mediaType) {
        return putWhole(digest, bytes, mediaType, null);
    }

    private BlobRecord putWhole(Digest digest, byte[] bytes, String mediaType, byte[] compressed) {
        try {
            Path target = blobPath(digest);
            Files.createDirectories(target.getParent());
            writeDurably(digest, compressed == null ? bytes : compressed, target);
        } catch (IOException e) {
            throw new StorageException("cannot store " + digest + ": " + e.getMessage(), e);
        }
        long now = System.currentTimeMillis();
        BlobRecord record = compressed == null ? new BlobRecord(digest, bytes.length, mediaType, now)
                : new BlobRecord(digest, bytes.length, mediaType, now, BlobRecord.Encoding.LZ4, compressed.length);
        blobs.put(record);
        evictLaterIfOverBudget();
        return record;
    }

    /** Synced bytes renamed into place, so the file is either whole or absent. */
    private void writeDurably(Digest digest, byte[] bytes, Path target) throws IOException {
        Path temp = partialPath(digest).resolveSibling(digest.hex() + ".small");
        Files.write(temp, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        moveAtomically(temp, target);
    }

    /**
     * Reads a small stored object whole, decompressed; empty when its file vanished or is
     * damaged (the entry is dropped).
     */
    public Optional<byte[]> readSmall(StoredBlob blob) {
        BlobRecord record = blob.record();
        try {
            byte[] bytes = Files.readAllBytes(blob.file());
            if (bytes.length == record.storedSize()) {
                return Optional.of(record.compressed() ? BlobCompression.decompress(bytes, record.size()) : bytes);
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", blob.file(), e.getMessage());
        } catch (IllegalArgumentException e) {
            LOG.warn("blob {} is damaged on disk ({}); dropping it so it is fetched again", record.digest(), e.getMessage());
            drop(record);
            return Optional.empty();
        }
        forgetIfBroken(blob.record().digest());
        return Optional.empty();
    }

    /** What {@link #remove} did. */
    public enum Removal { REMOVED, NOT_KEPT, IN_USE }

    /**
     * Removes a kept blob on request (an operator's purge): its entry and file go, unless a
     * reader is sending it or a fill is writing it now.
     */
    public synchronized Removal remove(Digest digest) {
        if (fills.get(digest).isPresent()) {
            return Removal.IN_USE;
        }
        Optional<BlobRecord> record = blobs.get(digest);
        if (record.isEmpty()) {
            return Removal.NOT_KEPT;
        }
        // Not removed although kept: a reader holds it, or a fill replaced it just now.
        return removeIfUnchanged(record.get()) ? Removal.REMOVED : Removal.IN_USE;
    }

    /** Drops the blob's entry and file, unless a new fill put a good copy in place meanwhile. */
    private void forgetIfBroken(Digest digest) {
        Optional<BlobRecord> record = blobs.get(digest);
        Path file = blobPath(digest);
        try {
            if (record.isEmpty() || Files.size(file) == record.get().storedSize()) {
                return;
            }
        } catch (IOException missingOrUnreadable) {
            // broken: fall through
        }
        drop(record.get());
    }

    /**
     * Removes a blob (its entry and file) unless it is being read or its record changed since
     * the caller looked (a new fill put another copy in place, or it went already); true when
     * it was removed.
     */
    public boolean removeIfUnchanged(BlobRecord seen) {
        if (leases.containsKey(seen.digest()) || blobs.get(seen.digest()).filter(seen::equals).isEmpty()) {
            return false;
        }
        drop(seen);
        return true;
    }

    /** Removes a blob's entry, its links and its file, and stops counting its bytes. */
    private void drop(BlobRecord blob) {
        blobs.delete(blob.digest());
        index.links().unlinkAll(blob.digest());
        onDropped.accept(blob.digest());
        try {
            Files.deleteIfExists(blobPath(blob.digest()));
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", blobPath(blob.digest()), e.getMessage());
        }
    }

    /** Makes room for a fill of {@code bytes} before it starts, so the budget holds while it lands. */
    private void reserve(long bytes) {
        long wanted = reservedBytes.addAndGet(bytes) + blobs.totalBytes();
        if (budget.limited() && wanted > budget.maxBytes()) {
            evict(wanted - budget.low());
        }
    }

    private void evictLaterIfOverBudget() {
        if (budget.limited() && blobs.totalBytes() + reservedBytes.get() > budget.high()
                && evictionScheduled.compareAndSet(false, true)) {
            housekeeping.execute(() -> {
                evictionScheduled.set(false);
                long over = blobs.totalBytes() + reservedBytes.get() - budget.low();
                if (over > 0) {
                    evict(over);
                }
            });
        }
    }

    /** Drops the least valuable blobs that are neither retained nor leased, until {@code toFree} bytes are free. */
    private synchronized void evict(long toFree) {
        Predicate<Digest> keep = retained.get().or(leases::containsKey);
        List<BlobRecord> chosen = evictor.choose(toFree, keep);
        chosen.forEach(this::drop);
        if (!chosen.isEmpty()) {
            evicted.addAndGet(chosen.size());
            LOG.info("evicted {} blobs ({} bytes) to stay within the {} byte budget", chosen.size(),
                    chosen.stream().mapToLong(BlobRecord::storedSize).sum(), budget.maxBytes());
        }
    }

    /** Blobs evicted since start. */
    public long evictions() {
        return evicted.get();
    }

    Path blobPath(Digest digest) {
        return blobsDir.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    Path partialPath(Digest digest) {
        return partialDir.resolve(digest.algorithm() + "-" + digest.hex());
    }

    /**
     * Reconciles partial fills after a restart: a fill record whose file is gone is dropped, and
     * a file in {@code partial/} without a record is an orphan of a crash and is deleted. What
     * is left is resumed when its blob is asked for again.
     */
    private void reconcileFills() {
        Set<Path> recorded = new HashSet<>();
        List<Digest> lost = new ArrayList<>();
        fills.forEach((digest, fill) -> {
            Path file = partialPath(digest);
            if (Files.isRegularFile(file)) {
                recorded.add(file);
            } else {
                lost.add(digest);
            }
        });
        lost.forEach(fills::delete);
        int orphans = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partialDir)) {
            for (Path file : files) {
                if (!recorded.contains(file)) {
                    Files.deleteIfExists(file);
                    orphans++;
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot clean " + partialDir + ": " + e.getMessage(), e);
        }
        if (!recorded.isEmpty() || orphans > 0 || !lost.isEmpty()) {
            LOG.info("partial fills after restart: {} kept to resume, {} orphan files removed, {} records without files dropped",
                    recorded.size(), orphans, lost.size());
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the data directory must support atomic renames", e);
        }
    }

    @Override
    public void close() {
        index.close();
    }
}
