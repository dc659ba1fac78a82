package io.attnspark.train.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads a {@link TrainConfig} from YAML and {@code key.path=value} overrides, turning every mistake into one clear line. */
public final class ConfigLoader {

    // a section or key written twice would otherwise silently replace the first
    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private ConfigLoader() { }

    /** Loads {@code file} (may be null) and applies overrides in order; a later override wins. */
    public static TrainConfig load(Path file, List<String> overrides) {
        ObjectNode tree = file == null ? YAML.createObjectNode() : readFile(file);
        overrides.forEach(o -> applyOverride(tree, o));
        return bind(tree);
    }

    /** The config as a JSON object, for the result record. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(TrainConfig config) {
        return YAML.convertValue(config, Map.class);
    }

    /** The inverse of {@link #toMap}: a config stored as a JSON object (a checkpoint's, a result record's). */
    public static TrainConfig fromMap(Map<String, Object> map) {
        return bind(YAML.valueToTree(map));
    }

    private static ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("config file " + file + " must be a YAML mapping of sections (data, model, spark, recipe)");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid YAML: " + yamlProblem(e));
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** SnakeYAML's message spans several lines (context, an excerpt, a caret); one line keeps the problem and where. */
    private static String yamlProblem(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                return marked.getProblem() + " (line " + (marked.getProblemMark().getLine() + 1) + ", column "
                        + (marked.getProblemMark().getColumn() + 1) + ")";
            }
        }
        String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        return e.getOriginalMessage().lines().findFirst().orElse("") + line;
    }

    /** {@code model.attentionOptions.reduction=8}: the value is parsed as YAML, so numbers, booleans and maps keep their type. */
    static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("override '" + override + "' must look like section.key=value, e.g. recipe.lr=0.05");
        }
        String[] path = override.substring(0, eq).trim().split("\\.");
        JsonNode value;
        try {
            value = YAML.readTree(override.substring(eq + 1).isBlank() ? "null" : override.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("override '" + override + "': value is not valid YAML: " + yamlProblem(e));
        }
        ObjectNode node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(path[i]);
        }
        node.set(path[path.length - 1], value);
    }

    private static TrainConfig bind(ObjectNode tree) {
        try {
            return YAML.treeToValue(tree, TrainConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(bindingProblem(e, TrainConfig.class).orElse("config: " + e.getOriginalMessage()));
        }
    }

    /**
     * Reads YAML {@code file} into {@code type} with the strict mapper of run configs (no unknown or repeated keys),
     * every problem one line that starts with {@code what} and the file, e.g. {@code sweep spec s.yaml: seeds: wrong
     * type; expected a list such as [a, b]}.
     *
     * @return null for an empty file
     */
    public static <T> T readStrict(Path file, Class<T> type, String what) {
        String where = what + " " + file;
        try {
            return YAML.readValue(file.toFile(), type);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + " is not valid YAML: " + yamlProblem(e));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": " + bindingProblem(e, type).orElse(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e.getMessage());
        }
    }

    /** One line naming the key and what is wrong with it; empty for a problem that is not about a key. */
    private static Optional<String> bindingProblem(JsonProcessingException e, Class<?> root) {
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause();
            return Optional.of(cause != null && cause.getMessage() != null ? cause.getMessage() : e.getOriginalMessage());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String hint = root == TrainConfig.class ? sectionHint(unknown.getPropertyName(), unknown.getPath().size()) : "";
            return Optional.of(path(unknown) + ": unknown key; " + hint + "known keys here: " + unknown.getKnownPropertyIds()
                    .stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        }
        if (e instanceof InvalidFormatException format) {
            return Optional.of(path(format) + ": cannot use '" + format.getValue() + "' as " + typeName(format.getTargetType())
                    + choices(format.getTargetType()));
        }
        if (e instanceof MismatchedInputException mismatch) {
            return Optional.of(path(mismatch) + ": wrong type; expected " + typeName(mismatch.getTargetType()));
        }
        return Optional.empty();
    }

    /** An enum's values as the config spells them, e.g. {@code "; use one of cosine, step, constant"}. */
    private static String choices(Class<?> type) {
        if (!type.isEnum()) {
            return "";
        }
        return "; use one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    /** A top-level key that belongs in a section, e.g. {@code optimizer} for {@code recipe.optimizer}. */
    private static String sectionHint(String key, int depth) {
        if (depth != 1) {
            return "";
        }
        for (RecordComponent section : TrainConfig.class.getRecordComponents()) {
            if (section.getType().isRecord() && Arrays.stream(section.getType().getRecordComponents())
                    .anyMatch(c -> c.getName().equals(key))) {
                return "did you mean " + section.getName() + "." + key + "? ";
            }
        }
        return "";
    }

    private static String typeName(Class<?> type) {
        if (Map.class.isAssignableFrom(type)) {
            return "a map such as {key: value}";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list such as [a, b]";
        }
        return type.getSimpleName().toLowerCase();
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
