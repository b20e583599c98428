package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

/**
 * A request path is the client's: any path is a route that reads back from the path it stands for, or a
 * ROUTE_UNKNOWN or NAME_INVALID refusal.
 */
class OciRouteFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        OciRoute route;
        try {
            route = OciRoute.parse(new String(input, StandardCharsets.UTF_8));
        } catch (RegistryException refused) {
            assertTrue(Set.of(ErrorCode.ROUTE_UNKNOWN, ErrorCode.NAME_INVALID).contains(refused.code()), refused::getMessage);
            return;
        }
        if (route.kind() == OciRoute.Kind.BASE) {
            return;
        }
        assertFalse(route.name().isEmpty());
        String path = switch (route.kind()) {
            case MANIFEST -> "/v2/" + route.name() + "/manifests/" + route.reference();
            case BLOB -> "/v2/" + route.name() + "/blobs/" + route.reference();
            case REFERRERS -> "/v2/" + route.name() + "/referrers/" + route.reference();
            case TAGS_LIST -> "/v2/" + route.name() + "/tags/list";
            default -> "/v2/" + route.name() + "/blobs/uploads/";
        };
        assertEquals(route, OciRoute.parse(path), path);
    }

    /** The input is a name and a reference (split at the first line break): a valid pair reads back from every path. */
    @FuzzTest
    void readsValidPaths(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        if (newline < 0) {
            return;
        }
        String name = text.substring(0, newline);
        String reference = text.substring(newline + 1);
        try {
            References.requireName(name);
            References.requireTag(reference);
        } catch (RegistryException notValid) {
            return;
        }
        assertEquals(new OciRoute(OciRoute.Kind.MANIFEST, name, reference),
                OciRoute.parse("/v2/" + name + "/manifests/" + reference));
        if (!reference.equals("uploads")) {
            // A blob is named by its digest; /blobs/uploads is the upload endpoint.
            assertEquals(new OciRoute(OciRoute.Kind.BLOB, name, reference), OciRoute.parse("/v2/" + name + "/blobs/" + reference));
        }
        assertEquals(new OciRoute(OciRoute.Kind.REFERRERS, name, reference),
                OciRoute.parse("/v2/" + name + "/referrers/" + reference));
        assertEquals(new OciRoute(OciRoute.Kind.TAGS_LIST, name, ""), OciRoute.parse("/v2/" + name + "/tags/list"));
    }
}
