package io.walden.repo;

/**
 * Compact JSON written field by field, for the few documents written where starting Jackson's data binding
 * would cost more than the work itself (wal-push's metadata, a restore's journal). Values: text, numbers,
 * booleans, and anything whose {@code toString()} is its JSON text content (LSNs, instants, enums, written as
 * strings); null is written as null.
 */
public final class JsonText {
    private final StringBuilder out = new StringBuilder(512);
    private boolean first = true;

    public JsonText begin() {
        separate();
        out.append('{');
        first = true;
        return this;
    }

    public JsonText end() {
        out.append('}');
        first = false;
        return this;
    }

    public JsonText beginArray() {
        separate();
        out.append('[');
        first = true;
        return this;
    }

    public JsonText endArray() {
        out.append(']');
        first = false;
        return this;
    }

    public JsonText key(String name) {
        separate();
        string(name);
        out.append(':');
        first = true; // the value follows without a comma
        return this;
    }

    public JsonText nullValue() {
        out.append("null");
        first = false;
        return this;
    }

    public JsonText field(String name, Object value) {
        key(name);
        return value(value);
    }

    /** A value on its own: an element of an array. */
    public JsonText value(Object value) {
        separate();
        if (value == null) {
            out.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(value.toString());
        }
        first = false;
        return this;
    }

    /** A comma before every value but the first of an object or array. */
    private void separate() {
        if (!first) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
