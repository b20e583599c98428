package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

class OciRouteTest {

    @Test
    void splitsNameFromEndpointAtTheLastMarker() {
        assertEquals(new OciRoute(OciRoute.Kind.MANIFEST, "library/alpine", "3.20"),
                OciRoute.parse("/v2/library/alpine/manifests/3.20"));
        assertEquals(new OciRoute(OciRoute.Kind.BLOB, "org/blobs/app", "sha256:abc"),
                OciRoute.parse("/v2/org/blobs/app/blobs/sha256:abc"));
        assertEquals(new OciRoute(OciRoute.Kind.TAGS_LIST, "ghcr.io/org/app", ""),
                OciRoute.parse("/v2/ghcr.io/org/app/tags/list"));
        assertEquals(new OciRoute(OciRoute.Kind.REFERRERS, "app", "sha256:abc"),
                OciRoute.parse("/v2/app/referrers/sha256:abc"));
        assertEquals(OciRoute.Kind.BLOB_UPLOAD, OciRoute.parse("/v2/app/blobs/uploads/").kind());
        assertEquals(OciRoute.Kind.BASE, OciRoute.parse("/v2/").kind());
    }

    @Test
    void aNameMayHoldAnyEndpointsMarkerAsAComponent() {
        assertEquals(new OciRoute(OciRoute.Kind.BLOB, "a/blobs/uploaaaaaaaaaaaaae", "3.20aadsa"),
                OciRoute.parse("/v2/a/blobs/uploaaaaaaaaaaaaae/blobs/3.20aadsa"));
        assertEquals(new OciRoute(OciRoute.Kind.REFERRERS, "a/blobs/uploaaaaaaaaaaaaae", "3.20aadsa"),
                OciRoute.parse("/v2/a/blobs/uploaaaaaaaaaaaaae/referrers/3.20aadsa"));
        assertEquals(new OciRoute(OciRoute.Kind.BLOB, "org/manifests/app", "sha256:abc"),
                OciRoute.parse("/v2/org/manifests/app/blobs/sha256:abc"));
        assertEquals(new OciRoute(OciRoute.Kind.MANIFEST, "org/blobs/uploads/app", "latest"),
                OciRoute.parse("/v2/org/blobs/uploads/app/manifests/latest"));
        assertEquals(new OciRoute(OciRoute.Kind.BLOB_UPLOAD, "org/manifests/app", ""),
                OciRoute.parse("/v2/org/manifests/app/blobs/uploads/session-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1/x", "/v2/app", "/v2/app/manifests/", "/v2/app/unknown/x", "/v2/app/blobs/a/b"})
    void unknownEndpointsAreNotFound(String path) {
        RegistryException error = assertThrows(RegistryException.class, () -> OciRoute.parse(path));
        assertEquals(404, error.status().code());
    }

    @Test
    void endpointWithoutANameIsAnInvalidName() {
        assertEquals(ErrorCode.NAME_INVALID,
                assertThrows(RegistryException.class, () -> OciRoute.parse("/v2//manifests/x")).code());
    }
}
