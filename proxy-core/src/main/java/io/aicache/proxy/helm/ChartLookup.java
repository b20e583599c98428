package io.aicache.proxy.helm;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds a chart version in a repository index, read as a stream: only the chart's own list of
 * versions is held in memory.
 */
public final class ChartLookup {

    private ChartLookup() {
    }

    /**
     * The first URL of {@code chart} at {@code version}, or when {@code version} is null, of its
     * newest version without a pre-release part (indexes list versions newest first), else its newest.
     *
     * @throws IOException when {@code index} is not a chart repository index
     */
    public static Optional<String> chartUrl(InputStream index, String chart, String version) throws IOException {
        try (JsonParser parser = IndexRewriter.yamlParser(index)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidIndexException("the index is not a YAML mapping");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean entries = parser.currentName().equals("entries");
                if (parser.nextToken() != JsonToken.START_OBJECT || !entries) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean wanted = parser.currentName().equals(chart);
                    parser.nextToken();
                    if (wanted) {
                        return choose(parser.readValueAsTree(), version);
                    }
                    parser.skipChildren();
                }
            }
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidIndexException("the index is not valid YAML: " + e.getOriginalMessage());
        }
    }

    private static Optional<String> choose(JsonNode versions, String version) {
        JsonNode chosen = null;
        for (JsonNode entry : versions) {
            String candidate = entry.path("version").asText("");
            boolean matches = version == null ? !candidate.contains("-") : candidate.equals(version);
            if (matches) {
                chosen = entry;
                break;
            }
        }
        if (chosen == null && version == null && versions.size() > 0) {
            chosen = versions.get(0);
        }
        return chosen == null || !chosen.path("urls").path(0).isTextual() ? Optional.empty()
                : Optional.of(chosen.path("urls").path(0).asText());
    }
}
