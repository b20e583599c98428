package io.aicache.proxy.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads the configuration: the embedded default ({@code conf/aicache.yaml}, on the class
 * path) with the user's file merged over it, key by key (lists are replaced whole).
 * {@code ${NAME}} in a value is replaced by the environment variable NAME, so secrets
 * need not be written into the file.
 */
public final class ConfigLoader {

    /** The environment variable that names a configuration file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "AICACHE_CONFIG";
    private static final String DEFAULT_RESOURCE = "/aicache.yaml";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final ObjectMapper yaml;
    private final UnaryOperator<String> environment;

    public ConfigLoader(UnaryOperator<String> environment) {
        this.environment = environment;
        this.yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
                    @Override
                    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                        return DurationParser.parse(p.getValueAsString());
                    }
                }));
    }

    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /** The embedded default configuration alone. */
    public AicacheConfig defaults() {
        return bind(defaultTree(), "the embedded default configuration");
    }

    /** The user's file over the defaults. */
    public AicacheConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        return fromYaml(text, file.toString());
    }

    /** YAML text over the defaults; {@code source} names it in error messages. */
    public AicacheConfig fromYaml(String text, String source) {
        ObjectNode merged = defaultTree();
        if (!text.isBlank()) {
            JsonNode user = readTree(text, source);
            if (!user.isObject()) {
                throw new ConfigException(source + ": the configuration must be a mapping of keys, not " + user.getNodeType());
            }
            merge(merged, (ObjectNode) user);
        }
        return bind(merged, source);
    }

    private AicacheConfig bind(ObjectNode tree, String source) {
        expandVariables(tree, "", source);
        try {
            AicacheConfig config = yaml.treeToValue(tree, AicacheConfig.class);
            requireSections(config, source);
            return config;
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": " + describe(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage());
        }
    }

    private static void requireSections(AicacheConfig config, String source) {
        if (config.server() == null || config.storage() == null || config.manifests() == null
                || config.upstream() == null || config.fill() == null || config.logging() == null
                || config.admin() == null || config.proxy() == null || config.helm() == null
                || config.access() == null || config.files() == null) {
            throw new ConfigException(source + ": the sections server, storage, manifests, upstream, fill, logging,"
                    + " admin, proxy, helm, access and files must not be empty");
        }
    }

    private static String describe(JsonMappingException e) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                key.append(key.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                key.append('[').append(ref.getIndex()).append(']');
            }
        }
        Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : null;
        String problem = cause != null ? cause.getMessage() : e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            problem = "unknown key; expected one of " + unknown.getKnownPropertyIds();
        }
        return (key.length() == 0 ? "" : "key '" + key + "': ") + firstLine(problem);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private JsonNode readTree(String text, String source) {
        try {
            JsonNode node = yaml.readTree(text);
            return node == null ? yaml.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + firstLine(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
    }

    private ObjectNode defaultTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded default configuration is missing from the class path");
            }
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded default configuration cannot be read", e);
        }
    }

    private static void merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode overObject) {
                merge(existingObject, overObject);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    private void expandVariables(JsonNode node, String path, String source) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(expand(field.getValue().asText(), key, source)));
                } else {
                    expandVariables(field.getValue(), key, source);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                expandVariables(node.get(i), path + "[" + i + "]", source);
            }
        }
    }

    private String expand(String value, String key, String source) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = environment.apply(m.group(1));
            if (replacement == null) {
                throw new ConfigException(source + ": key '" + key + "' refers to the environment variable "
                        + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }
}
