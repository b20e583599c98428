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
}
