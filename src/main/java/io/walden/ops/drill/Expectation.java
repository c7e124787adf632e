package io.walden.ops.drill;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a query's result with what the checks file expects. Values compare as the operator wrote them:
 * numbers by value (150 matches 150.0 and a bigint), booleans by truth, text exactly, null only with NULL.
 */
public final class Expectation {
    private static final int SHOWN_ROWS = 20;

    /** @param actual the result as walden shows it: a value, or rows */
    public record Verdict(boolean met, String actual, String expected) {}

    private Expectation() {
    }

    /** @param rows the result, each value as text (booleans as true/false), NULL as null */
    public static Verdict compare(JsonNode expect, List<List<String>> rows) {
        if (!expect.isArray()) {
            boolean one = rows.size() == 1 && rows.get(0).size() == 1;
            String actual = one ? show(rows.get(0).get(0)) : describe(rows);
            return new Verdict(one && same(expect, rows.get(0).get(0)), actual, show(expect));
        }
        boolean met = expect.size() == rows.size();
        for (int i = 0; met && i < rows.size(); i++) {
            JsonNode want = expect.get(i);
            List<String> row = rows.get(i);
            if (want.isArray()) {
                met = want.size() == row.size();
                for (int c = 0; met && c < row.size(); c++) {
                    met = same(want.get(c), row.get(c));
                }
            } else {
                met = row.size() == 1 && same(want, row.get(0));
            }
        }
        return new Verdict(met, describe(rows), expect.toString());
    }

    static boolean same(JsonNode want, String actual) {
        if (want == null || want.isNull()) {
            return actual == null;
        }
        if (actual == null) {
            return false;
        }
        if (want.isBoolean()) {
            return want.asBoolean() ? actual.equals("true") || actual.equals("t") : actual.equals("false") || actual.equals("f");
        }
        if (want.isNumber()) {
            try {
                return want.decimalValue().compareTo(new BigDecimal(actual.strip())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return want.asText().equals(actual);
    }

    private static String show(JsonNode v) {
        return v == null || v.isNull() ? "NULL" : v.isTextual() ? v.asText() : v.toString();
    }

    private static String show(String v) {
        return v == null ? "NULL" : v;
    }

    static String describe(List<List<String>> rows) {
        if (rows.isEmpty()) {
            return "no rows";
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(rows.size(), SHOWN_ROWS); i++) {
            List<String> cells = rows.get(i).stream().map(Expectation::show).toList();
            shown.add(cells.size() == 1 ? cells.get(0) : "[" + String.join(", ", cells) + "]");
        }
        String more = rows.size() > SHOWN_ROWS ? ", ... (" + rows.size() + " rows)" : "";
        return "[" + String.join(", ", shown) + more + "]";
    }
}
