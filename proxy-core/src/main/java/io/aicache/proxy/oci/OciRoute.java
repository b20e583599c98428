package io.aicache.proxy.oci;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * Where a {@code /v2/...} path leads: the endpoint kind, the name as the client wrote it
 * (it may still start with a registry name) and the reference (tag or digest) when the
 * endpoint has one. The name is split from the endpoint at its last marker, since
 * repository names may themselves contain {@code blobs} or {@code manifests}.
 */
public record OciRoute(Kind kind, String name, String reference) {

    public enum Kind { BASE, MANIFEST, BLOB, TAGS_LIST, REFERRERS, BLOB_UPLOAD }

    public static OciRoute parse(String path) {
        if (path.equals("/v2") || path.equals("/v2/")) {
            return new OciRoute(Kind.BASE, "", "");
        }
        if (!path.startsWith("/v2/")) {
            throw notFound(path);
        }
        String rest = path.substring("/v2/".length());
        if (rest.endsWith("/tags/list")) {
            return new OciRoute(Kind.TAGS_LIST, name(rest, rest.length() - "/tags/list".length(), path), "");
        }
        int upload = rest.lastIndexOf(UPLOADS);
        if (upload >= 0 && isUploadSession(rest.substring(upload + UPLOADS.length()))) {
            return new OciRoute(Kind.BLOB_UPLOAD, name(rest, upload, path), "");
        }
        for (Kind kind : new Kind[] {Kind.MANIFEST, Kind.BLOB, Kind.REFERRERS}) {
            String marker = switch (kind) {
                case MANIFEST -> "/manifests/";
                case BLOB -> "/blobs/";
                default -> "/referrers/";
            };
            int at = rest.lastIndexOf(marker);
            if (at >= 0) {
                String reference = rest.substring(at + marker.length());
                if (reference.isEmpty()) {
                    throw notFound(path);
                }
                // Else the marker is part of the name, and the path may still end with another one.
                if (!reference.contains("/")) {
                    return new OciRoute(kind, name(rest, at, path), reference);
                }
            }
        }
        throw notFound(path);
    }

    private static final String UPLOADS = "/blobs/uploads";

    /** What follows {@code /blobs/uploads} on an upload's path: nothing, {@code /}, or {@code /<session>}. */
    private static boolean isUploadSession(String tail) {
        return tail.isEmpty() || tail.startsWith("/") && tail.indexOf('/', 1) < 0;
    }

    private static String name(String rest, int end, String path) {
        if (end <= 0) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "the path " + path + " names no repository");
        }
        return rest.substring(0, end);
    }

    private static RegistryException notFound(String path) {
        return new RegistryException(ErrorCode.ROUTE_UNKNOWN,
                "no registry API endpoint at " + path);
    }
}
