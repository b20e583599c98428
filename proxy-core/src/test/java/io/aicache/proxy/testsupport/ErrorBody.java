package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The first error of an OCI distribution error body,
 * {@code {"errors":[{"code":...,"message":...,"detail":...}]}}; parsing fails the test when
 * the body is not of that shape.
 */
public record ErrorBody(String code, String message) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ErrorBody of(HttpResponse<byte[]> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (!contentType.startsWith("application/json")) {
            throw new AssertionError("error answer " + response.statusCode() + " has Content-Type '" + contentType
                    + "', not application/json");
        }
        return parse(response.body());
    }

    public static ErrorBody parse(byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("error body is not JSON: " + new String(body, java.nio.charset.StandardCharsets.UTF_8), e);
        }
        JsonNode errors = json == null ? null : json.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
            throw new AssertionError("error body has no errors array: " + json);
        }
        JsonNode first = errors.get(0);
        if (!first.path("code").isTextual() || !first.path("message").isTextual()) {
            throw new AssertionError("error entry lacks a textual code and message: " + first);
        }
        return new ErrorBody(first.get("code").asText(), first.get("message").asText());
    }
}
