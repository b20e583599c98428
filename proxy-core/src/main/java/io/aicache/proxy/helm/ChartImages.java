package io.aicache.proxy.helm;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.proxy.prefetch.ImageReference;

/**
 * The container images a chart archive will pull, as far as its defaults say: in every
 * {@code values.yaml} (the chart's and its unpacked subcharts'), at any depth, an {@code image}
 * given as a string or as {@code registry}/{@code repository}/{@code tag}/{@code digest} (an
 * empty tag means the chart's {@code appVersion}, as {@code helm create}'s templates do); in
 * templates, literal {@code image:} lines that are no template expressions. Names come out
 * written in full, the way Docker reads them ({@code nginx:1.25} is
 * {@code docker.io/library/nginx:1.25}).
 */
public final class ChartImages {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private static final Pattern TEMPLATE_IMAGE =
            Pattern.compile("^\\s*(?:-\\s+)?image:\\s*([\"']?)([^\"'\\s{}#]+)\\1\\s*(?:#.*)?$");
    /** Values and templates are text of a few kilobytes; anything far larger is no chart file worth reading. */
    private static final long MAX_FILE_BYTES = 4L << 20;

    private ChartImages() {
    }

    /** The images of the gzipped chart archive {@code archive}, in the order they were found. */
    public static Set<String> of(byte[] archive) throws IOException {
        Map<String, byte[]> values = new LinkedHashMap<>();
        Map<String, String> appVersions = new HashMap<>();
        Set<String> images = new LinkedHashSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (!entry.isFile() || entry.getSize() > MAX_FILE_BYTES) {
                    continue;
                }
                String path = entry.getName();
                int slash = path.lastIndexOf('/');
                String dir = slash < 0 ? "" : path.substring(0, slash);
                String name = path.substring(slash + 1);
                if (name.equals("values.yaml") && isChartDir(dir)) {
                    values.put(dir, tar.readAllBytes());
                } else if (name.equals("Chart.yaml") && isChartDir(dir)) {
                    appVersions.put(dir, appVersion(tar.readAllBytes()));
                } else if (path.contains("/templates/")) {
                    readTemplate(tar, images);
                }
            }
        }
        values.forEach((dir, bytes) -> readValues(bytes, appVersions.get(dir), images));
        return images;
    }

    /** {@code <chart>} or {@code <chart>/charts/<subchart>}, at any nesting. */
    private static boolean isChartDir(String dir) {
        String[] parts = dir.split("/");
        if (parts.length % 2 == 0 || dir.isEmpty()) {
            return false;
        }
        for (int i = 1; i < parts.length; i += 2) {
            if (!parts[i].equals("charts")) {
                return false;
            }
        }
        return true;
    }

    private static String appVersion(byte[] chartYaml) {
        try {
            JsonNode chart = YAML.readTree(chartYaml);
            return chart == null ? null : chart.path("appVersion").asText(null);
        } catch (IOException notYaml) {
            return null;
        }
    }

    private static void readTemplate(InputStream file, Set<String> images) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(file, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            Matcher m = TEMPLATE_IMAGE.matcher(line);
            if (m.matches()) {
                normalise(m.group(2)).ifPresent(images::add);
            }
        }
    }

    private static void readValues(byte[] bytes, String appVersion, Set<String> images) {
        JsonNode values;
        try {
            values = YAML.readTree(bytes);
        } catch (IOException notYaml) {
            // Helm would refuse the chart too; there is nothing to prefetch from it.
            return;
        }
        if (values != null) {
            walk(values, "", appVersion, images);
        }
    }

    private static void walk(JsonNode node, String key, String appVersion, Set<String> images) {
        if (node.isTextual() && isImageKey(key)) {
            normalise(node.asText()).ifPresent(images::add);
        } else if (node.isObject()) {
            if (node.path("repository").isTextual()
                    && (isImageKey(key) || node.has("tag") || node.has("digest"))) {
                fromParts(node, appVersion).flatMap(ChartImages::normalise).ifPresent(images::add);
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                walk(field.getValue(), field.getKey(), appVersion, images);
            }
        } else if (node.isArray()) {
            node.forEach(element -> walk(element, key, appVersion, images));
        }
    }

    private static boolean isImageKey(String key) {
        return key.equalsIgnoreCase("image") || key.endsWith("Image");
    }

    /** {@code registry/repository} with the digest, else the tag, else the chart's appVersion. */
    private static Optional<String> fromParts(JsonNode image, String appVersion) {
        String registry = image.path("registry").asText("");
        String repository = image.path("repository").asText("");
        String tag = image.path("tag").isValueNode() ? image.path("tag").asText("") : "";
        String digest = image.path("digest").asText("");
        if (repository.isEmpty()) {
            return Optional.empty();
        }
        String name = registry.isEmpty() ? repository : registry + "/" + repository;
        if (!digest.isEmpty()) {
            return Optional.of(name + "@" + digest);
        }
        String version = !tag.isEmpty() ? tag : appVersion;
        return Optional.of(version == null || version.isEmpty() ? name : name + ":" + version);
    }

    /** {@code nginx:1.25} as {@code docker.io/library/nginx:1.25}; empty for what is no image name (a template expression). */
    static Optional<String> normalise(String text) {
        if (text.contains("{{") || text.isBlank()) {
            return Optional.empty();
        }
        try {
            ImageReference image = ImageReference.parse(text, registry -> false);
            String repository = image.registry().equals("docker.io") && image.repository().indexOf('/') < 0
                    ? "library/" + image.repository() : image.repository();
            return Optional.of(new ImageReference(image.registry(), repository, image.reference()).toString());
        } catch (IllegalArgumentException notAnImage) {
            return Optional.empty();
        }
    }
}
