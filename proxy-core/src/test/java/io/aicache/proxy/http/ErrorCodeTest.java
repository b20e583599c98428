package io.aicache.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest
    @CsvSource({"ROUTE_UNKNOWN, UNSUPPORTED, 404", "REQUEST_INVALID, UNSUPPORTED, 400",
            "REQUEST_TOO_LARGE, UNSUPPORTED, 413", "RANGE_MALFORMED, RANGE_INVALID, 400", "CONFLICT, DENIED, 409",
            "INTERNAL, UNKNOWN, 500", "VERSION_UNSUPPORTED, UNSUPPORTED, 505"})
    void situationsWithoutACodeOfTheirOwnKeepTheStatusTheyAreAnsweredWith(ErrorCode code, String wireCode, int status) {
        assertEquals(wireCode, code.wireCode());
        assertEquals(status, code.status().code());
    }

    @Test
    void theBodyCarriesTheWireCode() {
        assertEquals("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\",\"detail\":{}}]}",
                new String(ErrorBodies.of(ErrorCode.INTERNAL, "boom"), StandardCharsets.UTF_8));
    }
}
