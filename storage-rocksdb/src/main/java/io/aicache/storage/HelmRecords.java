package io.aicache.storage;

import static io.aicache.storage.LengthPrefixed.getString;
import static io.aicache.storage.LengthPrefixed.putString;
import static io.aicache.storage.LengthPrefixed.utf8;
import static io.aicache.storage.LengthPrefixed.versioned;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;

import org.rocksdb.WriteOptions;

import io.aicache.model.Digest;

/**
 * What aicache knows of classic chart repositories ({@code helm}): one index record per
 * repository ({@code i\0<repo>}) and one chart record per chart file ({@code c\0<repo>\0<file>}),
 * each in a versioned encoding.
 */
public final class HelmRecords {

    private static final byte VERSION_1 = 1;

    private final Family helm;
    private final WriteOptions syncWrite;

    HelmRecords(Family helm, WriteOptions syncWrite) {
        this.helm = helm;
        this.syncWrite = syncWrite;
    }

    /** What aicache knows of chart repository {@code repository}'s index, if it fetched it. */
    public Optional<HelmIndexRecord> index(String repository) {
        byte[] value = helm.get(indexKey(repository));
        return value == null ? Optional.empty() : Optional.of(decodeIndex(value));
    }

    /** Synced: written after the kept index file it describes was renamed into place. */
    public void putIndex(String repository, HelmIndexRecord record) {
        helm.put(indexKey(repository), encodeIndex(record), syncWrite);
    }

    /** Where chart file {@code file} of {@code repository} lives upstream, as its index last said. */
    public Optional<HelmChartRecord> chart(String repository, String file) {
        byte[] value = helm.get(chartKey(repository, file));
        return value == null ? Optional.empty() : Optional.of(decodeChart(value));
    }

    /** Writes chart records of one repository in one batch (an index lists thousands). */
    public void putCharts(String repository, Map<String, HelmChartRecord> byFile) {
        helm.write(syncWrite, batch -> {
            for (Map.Entry<String, HelmChartRecord> entry : byFile.entrySet()) {
                batch.put(helm.handle(), chartKey(repository, entry.getKey()), encodeChart(entry.getValue()));
            }
        });
    }

    static byte[] indexKey(String repository) {
        return utf8("i\0" + repository);
    }

    static byte[] chartKey(String repository, String file) {
        return utf8("c\0" + repository + "\0" + file);
    }

    private static byte[] encodeIndex(HelmIndexRecord record) {
        byte[] etag = utf8(record.etag());
        byte[] lastModified = utf8(record.lastModified());
        byte[] sha = utf8(record.contentSha256());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 3 * 4 + etag.length + lastModified.length + sha.length);
        out.put(VERSION_1).putLong(record.validatedAtMillis()).putLong(record.size());
        putString(out, etag);
        putString(out, lastModified);
        putString(out, sha);
        return out.array();
    }

    private static HelmIndexRecord decodeIndex(byte[] value) {
        ByteBuffer in = versioned(value, VERSION_1, "helm");
        long validatedAt = in.getLong();
        long size = in.getLong();
        String etag = getString(in);
        String lastModified = getString(in);
        return new HelmIndexRecord(etag, lastModified, validatedAt, getString(in), size);
    }

    private static byte[] encodeChart(HelmChartRecord record) {
        byte[] url = utf8(record.url());
        byte[] digest = record.digest() == null ? new byte[0] : utf8(record.digest().toString());
        ByteBuffer out = ByteBuffer.allocate(1 + 2 * 4 + url.length + digest.length);
        out.put(VERSION_1);
        putString(out, url);
        putString(out, digest);
        return out.array();
    }

    private static HelmChartRecord decodeChart(byte[] value) {
        ByteBuffer in = versioned(value, VERSION_1, "helm");
        String url = getString(in);
        String digest = getString(in);
        return new HelmChartRecord(url, digest.isEmpty() ? null : Digest.parse(digest));
    }
}
