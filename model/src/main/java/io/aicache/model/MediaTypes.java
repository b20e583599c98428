package io.aicache.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Manifest media types and {@code Accept} negotiation. */
public final class MediaTypes {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** What aicache asks upstream for when the client stated no preference. */
    public static final List<String> ALL_MANIFESTS = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

    private MediaTypes() {
    }

    /** The media types of every Accept header value, without parameters, lower-cased. */
    public static List<String> accepted(List<String> acceptHeaders) {
        List<String> types = new ArrayList<>();
        for (String header : acceptHeaders) {
            for (String part : header.split(",")) {
                String type = withoutParameters(part);
                if (!type.isEmpty()) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    /** Whether a client that sent {@code accepted} takes {@code mediaType}; no Accept at all takes anything. */
    public static boolean isAcceptable(List<String> accepted, String mediaType) {
        return accepted.isEmpty() || accepted.contains("*/*") || accepted.contains(mediaType.toLowerCase(Locale.ROOT));
    }

    public static String withoutParameters(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
