package io.walden.repo;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a JSON object whose values are all plain (text, numbers, booleans, null), such as walden.json, without
 * Jackson: wal-push reads the repository identity once per segment in a fresh JVM, where setting up Jackson cost
 * more than the rest of the push. Values come back as their text (strings unescaped), null as null.
 */
final class FlatJson {
    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    static Map<String, String> parse(String text) throws IOException {
        return new FlatJson(text).object();
    }

    private Map<String, String> object() throws IOException {
        Map<String, String> values = new HashMap<>();
        expect('{');
        if (peek() == '}') {
            at++;
            return values;
        }
        while (true) {
            String key = string();
            expect(':');
            values.put(key, value());
            char next = next();
            if (next == '}') {
                return values;
            }
            if (next != ',') {
                throw error("',' or '}'");
            }
        }
    }

    private String value() throws IOException {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw error("a plain value");
        }
        int start = at;
        while (at < text.length() && ",} \t\r\n".indexOf(text.charAt(at)) < 0) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.isEmpty()) {
            throw error("a value");
        }
        return token.equals("null") ? null : token;
    }

    private String string() throws IOException {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("the end of a string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("an escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("four hex digits");
                    }
                    b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> b.append(e); // \" \\ \/
            }
        }
    }

    private void expect(char c) throws IOException {
        if (next() != c) {
            throw error("'" + c + "'");
        }
    }

    private char next() throws IOException {
        char c = peek();
        at++;
        return c;
    }

    private char peek() throws IOException {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        if (at >= text.length()) {
            throw error("more");
        }
        return text.charAt(at);
    }

    private IOException error(String expected) {
        return new IOException("expected " + expected + " at character " + at);
    }
}
