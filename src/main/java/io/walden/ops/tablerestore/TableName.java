package io.walden.ops.tablerestore;

import io.walden.error.UsageException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A table as SCHEMA.NAME (NAME alone means schema public), and the names a restored copy of it gets. */
public record TableName(String schema, String name) {
    /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are cut there, so walden cuts them itself, visibly. */
    static final int MAX_IDENTIFIER_BYTES = 63;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    public TableName {
        if (schema.isEmpty() || name.isEmpty()) {
            throw new UsageException("--table needs SCHEMA.NAME, e.g. public.orders", null);
        }
    }

    /** "public.orders" or "orders"; a name with a dot in it is written with double quotes: "my.schema"."odd.name". */
    public static TableName parse(String text) {
        String t = text.strip();
        if (t.startsWith("\"")) {
            int close = closingQuote(t, 0);
            String first = t.substring(1, close).replace("\"\"", "\"");
            String rest = t.substring(close + 1);
            if (rest.isEmpty()) {
                return new TableName("public", first);
            }
            if (!rest.startsWith(".")) {
                throw bad(text);
            }
            return new TableName(first, unquote(rest.substring(1), text));
        }
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new TableName("public", t);
        }
        return new TableName(t.substring(0, dot), unquote(t.substring(dot + 1), text));
    }

    /** For SQL: "schema"."name". */
    public String quoted() {
        return quote(schema) + "." + quote(name);
    }

    /** For people: schema.name. */
    @Override
    public String toString() {
        return schema + "." + name;
    }

    public TableName withName(String newName) {
        return new TableName(schema, newName);
    }

    /** NAME_restored_YYYYMMDDHHMMSS (UTC), NAME shortened when the whole would be too long. */
    public String restoredName(Instant at) {
        String suffix = "_restored_" + STAMP.format(at);
        return truncate(name, MAX_IDENTIFIER_BYTES - suffix.length()) + suffix;
    }

    /**
     * The name of a copy's index, constraint or sequence: the table's name at its start replaced by the
     * copy's ({@code orders_pkey} becomes {@code orders_restored_..._pkey}), else the copy's name in front, so
     * it cannot clash with the original's in the same schema.
     */
    static String childName(String child, String table, String copy) {
        if (table.equals(copy)) {
            return child;
        }
        String renamed = child.startsWith(table) ? copy + child.substring(table.length()) : copy + "_" + child;
        if (renamed.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
            return renamed;
        }
        // keep the distinguishing end (the _pkey, _idx ...) and as much of the copy's name as fits
        String tail = renamed.substring(copy.length());
        return truncate(copy, MAX_IDENTIFIER_BYTES - Math.min(tail.getBytes(StandardCharsets.UTF_8).length, 30))
                + truncate(tail, 30);
    }

    /** The longest prefix of {@code text} that fits in {@code bytes} bytes of UTF-8. */
    static String truncate(String text, int bytes) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= bytes) {
            return text;
        }
        StringBuilder b = new StringBuilder();
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + len > bytes) {
                break;
            }
            b.appendCodePoint(cp);
            used += len;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** A string literal for SQL: 'it''s'. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String unquote(String part, String text) {
        if (!part.startsWith("\"")) {
            if (part.isEmpty() || part.contains(".")) {
                throw bad(text);
            }
            return part;
        }
        int close = closingQuote(part, 0);
        if (close != part.length() - 1) {
            throw bad(text);
        }
        return part.substring(1, close).replace("\"\"", "\"");
    }

    private static int closingQuote(String t, int open) {
        int i = open + 1;
        while (i < t.length()) {
            if (t.charAt(i) == '"') {
                if (i + 1 < t.length() && t.charAt(i + 1) == '"') {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        throw bad(t);
    }

    private static UsageException bad(String text) {
        return new UsageException("--table " + text + " is not SCHEMA.NAME", "e.g. --table public.orders, or --table '\"My Schema\".\"Orders\"'");
    }
}
