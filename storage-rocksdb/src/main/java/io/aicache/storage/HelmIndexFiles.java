package io.aicache.storage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Kept chart repository indexes (index files reach tens of megabytes and compress several
 * times over), in two encodings of the same content:
 * {@code <dir>/<repository>-<sha256 of the content>.yaml.lz4}, decompressed as it is served to
 * clients that take the index as it is, and {@code .yaml.gz}, sent as it is (with
 * {@code sendfile}) to clients that accept gzip, as Helm does. A new copy is written to
 * temporary files, synced and renamed into place; a reader that opened an older copy keeps
 * reading it after it is replaced.
 */
public final class HelmIndexFiles {

    private static final Logger LOG = LoggerFactory.getLogger(HelmIndexFiles.class);
    private static final String LZ4 = ".yaml.lz4";
    private static final String GZIP = ".yaml.gz";

    private final Path dir;

    /** Opens {@code dir}, creating it; copies a crash left half-written are deleted. */
    public HelmIndexFiles(Path dir) {
        try {
            this.dir = Files.createDirectories(dir);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "*.partial")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Starts a new copy of {@code repository}'s index; write the uncompressed content to it. */
    public Pending begin(String repository) throws IOException {
        Path lz4 = Files.createTempFile(dir, repository + ".new-", LZ4 + ".partial");
        Path gzip = Files.createTempFile(dir, repository + ".new-", GZIP + ".partial");
        return new Pending(repository, lz4, gzip);
    }

    /** Whether the copy with content {@code contentSha256} is kept. */
    public boolean exists(String repository, String contentSha256) {
        return Files.isRegularFile(path(repository, contentSha256, LZ4));
    }

    /** The kept copy's content, decompressed as it is read. */
    public InputStream open(String repository, String contentSha256) throws IOException {
        return new LZ4FrameInputStream(new BufferedInputStream(
                Files.newInputStream(path(repository, contentSha256, LZ4)), 1 << 16));
    }

    /** The kept copy gzip-encoded, to send as it is; empty when it is not there. */
    public Optional<Path> gzipped(String repository, String contentSha256) {
        Path file = path(repository, contentSha256, GZIP);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Deletes {@code repository}'s copies other than {@code keepSha256} (readers that have them open keep reading). */
    public void deleteOthers(String repository, String keepSha256) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, repository + "-*.yaml.*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String rest = name.substring(repository.length() + 1);
                boolean ours = rest.matches("[0-9a-f]{64}\\.yaml\\.(lz4|gz)");
                if (ours && !rest.startsWith(keepSha256 + ".")) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot delete old index copies of {}: {}", repository, e.getMessage());
        }
    }

    private Path path(String repository, String contentSha256, String suffix) {
        return dir.resolve(repository + "-" + contentSha256 + suffix);
    }

    /** A copy being written: compressed both ways on the way to temporary files; {@link #commit} puts it in place. */
    public final class Pending extends OutputStream {

        private final String repository;
        private final Path lz4File;
        private final Path gzipFile;
        private final OutputStream lz4;
        private final OutputStream gzip;
        private boolean closed;

        private Pending(String repository, Path lz4File, Path gzipFile) throws IOException {
            this.repository = repository;
            this.lz4File = lz4File;
            this.gzipFile = gzipFile;
            // 64 KiB blocks: each reader holds one block decompressed, so many concurrent readers stay cheap.
            this.lz4 = new LZ4FrameOutputStream(new BufferedOutputStream(Files.newOutputStream(lz4File), 1 << 16),
                    LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB);
            this.gzip = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(gzipFile), 1 << 16), 1 << 16);
        }

        @Override
        public void write(int b) throws IOException {
            lz4.write(b);
            gzip.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            lz4.write(bytes, offset, length);
            gzip.write(bytes, offset, length);
        }

        /** Finishes the copy of content {@code contentSha256}: sync, then rename into place (the gzip copy first). */
        public void commit(String contentSha256) throws IOException {
            close();
            for (Path file : List.of(gzipFile, lz4File)) {
                try (FileChannel written = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    written.force(true);
                }
            }
            try {
                Files.move(gzipFile, path(repository, contentSha256, GZIP), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.move(lz4File, path(repository, contentSha256, LZ4), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the data directory must support atomic renames", e);
            }
        }

        /** Drops the copy: nothing of it is kept. */
        public void abandon() {
            try {
                close();
                Files.deleteIfExists(lz4File);
                Files.deleteIfExists(gzipFile);
            } catch (IOException e) {
                LOG.warn("cannot delete {} or {}: {}", lz4File, gzipFile, e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                try {
                    lz4.close();
                } finally {
                    gzip.close();
                }
            }
        }
    }
}
