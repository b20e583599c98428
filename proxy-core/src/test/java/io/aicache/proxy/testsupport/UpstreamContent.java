package io.aicache.proxy.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a {@link FaultyUpstream} serves: blobs and manifests by repository and digest, tags
 * (one manifest per media type, so a tag can be negotiated by {@code Accept}) and referrers.
 */
final class UpstreamContent {

    /** A manifest as stored: its digest, media type and bytes. */
    record StoredManifest(String digest, String mediaType, byte[] bytes) {
    }

    /** A referrer as an image index lists it. */
    record Referrer(String digest, String mediaType, long size, String artifactType) {
    }

    private final Map<String, Map<String, byte[]>> blobs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, StoredManifest>> manifests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<StoredManifest>>> tags = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<Referrer>>> referrers = new ConcurrentHashMap<>();

    String addBlob(String repository, byte[] bytes) {
        String digest = TestBlobs.digestOf(bytes);
        blobs.computeIfAbsent(repository, r -> new ConcurrentHashMap<>()).put(digest, bytes.clone());
        return digest;
    }

    Optional<byte[]> blob(String repository, String digest) {
        return Optional.ofNullable(blobs.getOrDefault(repository, Map.of()).get(digest));
    }

    /** Stores a manifest; with a tag, the tag's manifest of that media type becomes this one. */
    synchronized String addManifest(String repository, String tag, String mediaType, byte[] bytes) {
        StoredManifest manifest = new StoredManifest(TestBlobs.digestOf(bytes), mediaType, bytes.clone());
        manifests.computeIfAbsent(repository, r -> new ConcurrentHashMap<>()).put(manifest.digest(), manifest);
        if (tag != null) {
            List<StoredManifest> candidates = tags.computeIfAbsent(repository, r -> new ConcurrentHashMap<>())
                    .computeIfAbsent(tag, t -> new CopyOnWriteArrayList<>());
            candidates.removeIf(existing -> existing.mediaType().equals(mediaType));
            candidates.add(manifest);
        }
        return manifest.digest();
    }

    /** Deletes {@code tag} (every media type of it); its manifests stay reachable by digest. */
    synchronized void removeTag(String repository, String tag) {
        Map<String, List<StoredManifest>> repositoryTags = tags.get(repository);
        if (repositoryTags != null) {
            repositoryTags.remove(tag);
        }
    }

    Optional<StoredManifest> manifestByDigest(String repository, String digest) {
        return Optional.ofNullable(manifests.getOrDefault(repository, Map.of()).get(digest));
    }

    /**
     * The tag's manifest for a client that accepts {@code accepted} (empty or {@code *}{@code /*}:
     * anything): the first acceptable one, else the first one (as registries that cannot convert do).
     */
    Optional<StoredManifest> manifestByTag(String repository, String tag, List<String> accepted) {
        List<StoredManifest> candidates = tags.getOrDefault(repository, Map.of()).getOrDefault(tag, List.of());
        return candidates.stream()
                .filter(m -> accepted.isEmpty() || accepted.contains("*/*") || accepted.contains(m.mediaType()))
                .findFirst()
                .or(() -> candidates.stream().findFirst());
    }

    boolean hasRepository(String repository) {
        return blobs.containsKey(repository) || manifests.containsKey(repository);
    }

    /** The repository's tags in lexical order. */
    List<String> tags(String repository) {
        return new ArrayList<>(new TreeSet<>(tags.getOrDefault(repository, Map.of()).keySet()));
    }

    /** Stores {@code bytes} as a manifest that refers to {@code subjectDigest}; returns its digest. */
    String addReferrer(String repository, String subjectDigest, String mediaType, String artifactType, byte[] bytes) {
        String digest = addManifest(repository, null, mediaType, bytes);
        referrers.computeIfAbsent(repository, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(subjectDigest, s -> new CopyOnWriteArrayList<>())
                .add(new Referrer(digest, mediaType, bytes.length, artifactType));
        return digest;
    }

    List<Referrer> referrers(String repository, String subjectDigest) {
        return List.copyOf(referrers.getOrDefault(repository, Map.of()).getOrDefault(subjectDigest, List.of()));
    }
}
