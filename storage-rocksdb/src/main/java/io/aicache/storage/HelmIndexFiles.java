package io.aicache.storage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Kept chart repository indexes, LZ4-compressed (index files reach tens of megabytes and
 * compress several times over): {@code <dir>/<repository>-<sha256 of the content>.yaml.lz4}.
 * A new copy is written to a temporary file, synced and renamed into place; a reader that
 * opened an older copy keeps reading it after it is replaced.
 */
public final class HelmIndexFiles {

    private static final Logger LOG = LoggerFactory.getLogger(HelmIndexFiles.class);
    private static final String SUFFIX = ".yaml.lz4";

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
        Path temp = Files.createTempFile(dir, repository + ".new-", ".partial");
        return new Pending(repository, temp);
    }

    /** Whether the copy with content {@code contentSha256} is kept. */
    public boolean exists(String repository, String contentSha256) {
        return Files.isRegularFile(path(repository, contentSha256));
    }

    /** The kept copy's content, decompressed as it is read. */
    public InputStream open(String repository, String contentSha256) throws IOException {
        return new LZ4FrameInputStream(new BufferedInputStream(Files.newInputStream(path(repository, contentSha256)), 1 << 16));
    }

    /** Deletes {@code repository}'s copies other than {@code keepSha256} (readers that have them open keep reading). */
    public void deleteOthers(String repository, String keepSha256) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, repository + "-*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String sha = name.substring(repository.length() + 1, name.length() - SUFFIX.length());
                if (sha.matches("[0-9a-f]{64}") && !sha.equals(keepSha256)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot delete old index copies of {}: {}", repository, e.getMessage());
        }
    }

    private Path path(String repository, String contentSha256) {
        return dir.resolve(repository + "-" + contentSha256 + SUFFIX);
    }

    /** A copy being written: compressed on the way to a temporary file; {@link #commit} puts it in place. */
    public final class Pending extends FilterOutputStream {

        private final String repository;
        private final Path temp;
        private boolean closed;

        private Pending(String repository, Path temp) throws IOException {
            // 64 KiB blocks: each reader holds one block decompressed, so many concurrent readers stay cheap.
            super(new LZ4FrameOutputStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16),
                    LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB));
            this.repository = repository;
            this.temp = temp;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        /** Finishes the copy of content {@code contentSha256}: sync, then rename into place. */
        public void commit(String contentSha256) throws IOException {
            close();
            try (FileChannel written = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            try {
                Files.move(temp, path(repository, contentSha256), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the data directory must support atomic renames", e);
            }
        }

        /** Drops the copy: nothing of it is kept. */
        public void abandon() {
            try {
                close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", temp, e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                super.close();
            }
        }
    }
}
