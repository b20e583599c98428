package io.aicache.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

import org.rocksdb.WriteOptions;

import io.aicache.model.BlobReference;

/**
 * Small upstream answers kept whole ({@code responses}), each with the time it was fetched so
 * the caller decides when it is stale. Today: referrers lists, per subject and filter.
 */
public final class StoredResponses {

    private final Family responses;
    private final WriteOptions syncWrite;

    StoredResponses(Family responses, WriteOptions syncWrite) {
        this.responses = responses;
        this.syncWrite = syncWrite;
    }

    /** The kept referrers list of {@code subject} filtered by {@code artifactTypes} (as asked; empty for none). */
    public Optional<StoredResponse> referrers(BlobReference subject, List<String> artifactTypes) {
        byte[] value = responses.get(referrersKey(subject, artifactTypes));
        return value == null ? Optional.empty() : Optional.of(RecordCodec.decodeResponse(value));
    }

    public void putReferrers(BlobReference subject, List<String> artifactTypes, StoredResponse response) {
        responses.put(referrersKey(subject, artifactTypes), RecordCodec.encodeResponse(response), syncWrite);
    }

    /**
     * {@code referrers:registry/repository@digest}, then the filter as a query
     * ({@code ?artifactType=a&artifactType=b}, URL-encoded, in the order asked; nothing when none):
     * the key such a list was always kept under.
     */
    static byte[] referrersKey(BlobReference subject, List<String> artifactTypes) {
        StringJoiner filter = new StringJoiner("&", "?", "").setEmptyValue("");
        artifactTypes.forEach(type -> filter.add("artifactType=" + URLEncoder.encode(type, StandardCharsets.UTF_8)));
        return ("referrers:" + subject + filter).getBytes(StandardCharsets.UTF_8);
    }
}
