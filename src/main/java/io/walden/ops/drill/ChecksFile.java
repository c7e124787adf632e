package io.walden.ops.drill;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.walden.error.UsageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the operator's drill checks: a YAML list of {name, database, sql, expect}. Every mistake is one
 * message naming the file and line, before the drill restores anything.
 */
public final class ChecksFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("name", "database", "sql", "expect");
    private static final String EXAMPLE = "write a list such as:  - name: orders kept  database: shop  sql: SELECT count(*) FROM orders  expect: 150"
            + " (one key per line; see walden drill --help)";

    private ChecksFile() {
    }

    public static List<OperatorCheck> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("the checks file " + file + " does not exist", "check --checks, or leave it out to run the built-in checks only");
        } catch (IOException e) {
            throw new UsageException("cannot read the checks file " + file + ": " + e.getMessage(), "check --checks and its permissions");
        }
        return parse(file.toString(), text);
    }

    /** @param source names the file in messages */
    public static List<OperatorCheck> parse(String source, String text) {
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return List.of(); // an empty file: no operator checks
            }
            if (first != JsonToken.START_ARRAY) {
                throw bad(source, p.currentTokenLocation(), "the file must be a list of checks", EXAMPLE);
            }
            List<OperatorCheck> checks = new ArrayList<>();
            Set<String> names = new HashSet<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                JsonLocation at = p.currentTokenLocation();
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    throw bad(source, at, "a check must be a mapping with name, sql and expect", EXAMPLE);
                }
                JsonNode node = YAML.readTree(p);
                OperatorCheck check = check(source, at, node);
                if (!names.add(check.name())) {
                    throw bad(source, at, "two checks are named '" + check.name() + "'", "give every check its own name");
                }
                checks.add(check);
            }
            return List.copyOf(checks);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String why = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
            throw bad(source, at, "not valid YAML: " + why, "fix the file; " + EXAMPLE);
        } catch (IOException e) {
            throw new UsageException("cannot read the checks file " + source + ": " + e.getMessage(), "check --checks");
        }
    }

    private static OperatorCheck check(String source, JsonLocation at, JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw bad(source, at, "unknown key '" + field + "' in a check", "a check has name, database (optional), sql and expect");
            }
        }
        String name = text(source, at, node, "name", true);
        String sql = text(source, at, node, "sql", true);
        String database = text(source, at, node, "database", false);
        if (!node.has("expect")) {
            throw bad(source, at, "check '" + name + "' has no expect", "add the expected result: a value, or a list of rows");
        }
        JsonNode expect = node.get("expect");
        if (expect.isObject()) {
            throw bad(source, at, "check '" + name + "': expect must be a value or a list of rows, not a mapping",
                    "write expect: 150, or expect: [[1, 'a'], [2, 'b']]");
        }
        return new OperatorCheck(name, database == null ? "postgres" : database, sql, expect, line(at));
    }

    private static String text(String source, JsonLocation at, JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw bad(source, at, "a check has no " + field, "every check needs name, sql and expect");
            }
            return null;
        }
        if (v.getNodeType() != JsonNodeType.STRING && !v.isNumber() || v.asText().isBlank()) {
            throw bad(source, at, field + " must be text", "write " + field + ": followed by text");
        }
        return v.asText().strip();
    }

    private static int line(JsonLocation at) {
        return at == null ? 0 : at.getLineNr();
    }

    private static UsageException bad(String source, JsonLocation at, String what, String hint) {
        int line = line(at);
        return new UsageException("the checks file " + source + (line > 0 ? " line " + line : "") + ": " + what, hint);
    }
}
