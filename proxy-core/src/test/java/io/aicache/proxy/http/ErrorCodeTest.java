package io.aicache.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.netty.handler.codec.http.HttpResponseStatus;

class ErrorCodeTest {

    /** The codes of the OCI distribution spec (and Docker's TOOMANYREQUESTS): all a client may see. */
    private static final Set<String> SPEC_CODES = Set.of("BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN",
            "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID",
            "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
            "RANGE_INVALID", "TAG_INVALID", "UNAVAILABLE", "UNKNOWN");

    @Test
    void everyCodeGoesOnTheWireAsOneOfTheSpecs() {
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(SPEC_CODES.contains(code.wireCode()), code + " answers " + code.wireCode());
        }
    }

    @Test
    void situationsWithoutACodeOfTheirOwnKeepTheStatusTheyAreAnsweredWith() {
        assertEquals("UNSUPPORTED", ErrorCode.ROUTE_UNKNOWN.wireCode());
        assertEquals(HttpResponseStatus.NOT_FOUND, ErrorCode.ROUTE_UNKNOWN.status());
        assertEquals("UNSUPPORTED", ErrorCode.REQUEST_INVALID.wireCode());
        assertEquals(HttpResponseStatus.BAD_REQUEST, ErrorCode.REQUEST_INVALID.status());
        assertEquals("UNSUPPORTED", ErrorCode.REQUEST_TOO_LARGE.wireCode());
        assertEquals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCode.REQUEST_TOO_LARGE.status());
        assertEquals("RANGE_INVALID", ErrorCode.RANGE_MALFORMED.wireCode());
        assertEquals(HttpResponseStatus.BAD_REQUEST, ErrorCode.RANGE_MALFORMED.status());
        assertEquals("DENIED", ErrorCode.CONFLICT.wireCode());
        assertEquals(HttpResponseStatus.CONFLICT, ErrorCode.CONFLICT.status());
        assertEquals("UNKNOWN", ErrorCode.INTERNAL.wireCode());
        assertEquals(HttpResponseStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL.status());
    }

    @Test
    void theBodyCarriesTheWireCode() {
        assertEquals("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\",\"detail\":{}}]}",
                new String(ErrorBodies.of(ErrorCode.INTERNAL, "boom"), StandardCharsets.UTF_8));
    }
}
