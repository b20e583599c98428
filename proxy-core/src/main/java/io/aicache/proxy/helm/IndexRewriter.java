package io.aicache.proxy.helm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import org.yaml.snakeyaml.LoaderOptions;

import io.aicache.model.Digest;
import io.aicache.storage.HelmChartRecord;
import io.aicache.upstream.ChartRepository;

/**
 * Rewrites a chart repository's {@code index.yaml} as a stream: every URL under
 * {@code entries.<chart>[].urls} (relative or absolute) becomes {@code charts/<file>},
 * relative to aicache's {@code /helm/<repo>/}, and each file is reported with its original
 * URL and the entry's {@code digest}. Only one chart version entry is held in memory at a
 * time; everything else is copied as it is read.
 */
final class IndexRewriter {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .loaderOptions(unlimitedDocument())
            .build())
            // 1.10 stays 1.10, not 1.1.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private IndexRewriter() {
    }

    /** Index files reach tens of megabytes; SnakeYAML's default cap (3 M code points) is for documents read whole. */
    private static LoaderOptions unlimitedDocument() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        return options;
    }

    /**
     * Reads the index from {@code in}, writes the rewritten one to {@code out}.
     *
     * @param repository    the repository upstream, against whose URL relative chart URLs resolve
     * @param charts        receives each chart file name with where upstream keeps it
     * @throws InvalidIndexException when the content is not a chart repository index
     */
    static void rewrite(InputStream in, OutputStream out, ChartRepository repository,
                        BiConsumer<String, HelmChartRecord> charts) throws IOException {
        ChartFileNames names = new ChartFileNames();
        try (JsonParser parser = yamlParser(in); JsonGenerator generator = YAML.createGenerator(out)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidIndexException("the index is not a YAML mapping");
            }
            generator.writeStartObject();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                generator.writeFieldName(field);
                if (field.equals("entries") && value == JsonToken.START_OBJECT) {
                    rewriteEntries(parser, generator, repository, names, charts);
                } else {
                    generator.writeTree(parser.readValueAsTree());
                }
            }
            generator.writeEndObject();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidIndexException("the index is not valid YAML: " + e.getOriginalMessage());
        }
    }

    /** A streaming parser of index YAML: floats kept exact, no cap on the document's size. */
    static JsonParser yamlParser(InputStream in) throws IOException {
        return YAML.createParser(in);
    }

    private static void rewriteEntries(JsonParser parser, JsonGenerator generator, ChartRepository repository,
                                       ChartFileNames names, BiConsumer<String, HelmChartRecord> charts) throws IOException {
        generator.writeStartObject();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String chart = parser.currentName();
            generator.writeFieldName(chart);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                generator.writeTree(parser.readValueAsTree());
                continue;
            }
            generator.writeStartArray();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                JsonNode version = parser.readValueAsTree();
                if (version instanceof ObjectNode entry) {
                    rewriteUrls(entry, chart, repository, names, charts);
                }
                generator.writeTree(version);
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
    }

    private static void rewriteUrls(ObjectNode entry, String chart, ChartRepository repository, ChartFileNames names,
                                    BiConsumer<String, HelmChartRecord> charts) {
        if (!(entry.get("urls") instanceof ArrayNode urls)) {
            return;
        }
        Digest digest = digestOf(entry.path("digest").asText(""));
        String version = entry.path("version").asText("");
        for (int i = 0; i < urls.size(); i++) {
            if (!urls.get(i).isTextual()) {
                continue;
            }
            URI absolute;
            try {
                absolute = repository.chartUri(urls.get(i).asText());
            } catch (IllegalArgumentException notAUrl) {
                // Left as it is: Helm will fail on it just as it would against upstream.
                continue;
            }
            if (!"http".equals(absolute.getScheme()) && !"https".equals(absolute.getScheme())) {
                continue;
            }
            String file = names.fileFor(absolute, chart, version);
            charts.accept(file, new HelmChartRecord(absolute.toString(), digest));
            urls.set(i, TextNode.valueOf("charts/" + file));
        }
    }

    /** The index's {@code digest}: sha256 in hex, with or without the {@code sha256:} prefix; null when absent or other. */
    static Digest digestOf(String text) {
        String hex = text.startsWith("sha256:") ? text.substring("sha256:".length()) : text;
        return hex.matches("[0-9a-f]{64}") ? new Digest("sha256", hex) : null;
    }
}
