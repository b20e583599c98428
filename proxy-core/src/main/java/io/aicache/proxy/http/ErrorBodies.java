package io.aicache.proxy.http;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The OCI distribution spec's error body: {@code {"errors":[{"code":...,"message":...,"detail":{}}]}}. */
public final class ErrorBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorBodies() {
    }

    public static byte[] of(ErrorCode code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode entry = body.putArray("errors").addObject();
        entry.put("code", code.wireCode());
        entry.put("message", message);
        entry.putObject("detail");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
