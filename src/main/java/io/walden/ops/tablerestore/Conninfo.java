package io.walden.ops.tablerestore;

import io.walden.error.UsageException;
import io.walden.pg.ConnectionSettings;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The live database of --into, written as libpq takes it: a URL (postgresql://...) or keyword=value pairs
 * (host=... port=... dbname=...), completed from the libpq environment as libpq would.
 */
final class Conninfo {
    private static final String HINT = "give --into 'host=HOST port=PORT dbname=DB user=USER' or postgresql://USER@HOST:PORT/DB";

    private Conninfo() {
    }

    static ConnectionSettings resolve(String into, Map<String, String> env) {
        String text = into.strip();
        if (text.isEmpty()) {
            throw new UsageException("--into is empty", HINT);
        }
        boolean url = text.startsWith("postgresql://") || text.startsWith("postgres://");
        String asUrl = url ? text : asUrl(parsePairs(text));
        try {
            return ConnectionSettings.resolve(Optional.of(asUrl), env, Optional.empty());
        } catch (UsageException e) {
            throw new UsageException(e.getMessage().replace("--pg-url", "--into"), HINT);
        }
    }

    /** keyword=value pairs; a value may be single-quoted, with \' and \\ inside. */
    static Map<String, String> parsePairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return pairs;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String key = text.substring(keyStart, i);
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (key.isEmpty() || i >= n || text.charAt(i) != '=') {
                throw new UsageException("--into: expected keyword=value at '" + text.substring(keyStart) + "'", HINT);
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new UsageException("--into: unterminated quoted value of " + key, HINT);
                    }
                    char c = text.charAt(i++);
                    if (c == '\'') {
                        break;
                    }
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
            }
            pairs.put(key, value.toString());
        }
    }

    /** The pairs as a URL's query, which ConnectionSettings reads field by field. */
    private static String asUrl(Map<String, String> pairs) {
        StringJoiner query = new StringJoiner("&");
        pairs.forEach((k, v) -> query.add(encode(k.equals("hostaddr") ? "host" : k) + "=" + encode(v)));
        return "postgresql:///?" + query;
    }

    /** For pg_restore -d: every field walden resolved, so it reaches the same server; the password goes by PGPASSWORD. */
    static String forLibpq(ConnectionSettings s) {
        StringJoiner b = new StringJoiner(" ");
        b.add("host=" + quote(s.host())).add("port=" + s.port()).add("user=" + quote(s.user())).add("dbname=" + quote(s.database()));
        Optional.ofNullable(s.properties().get("sslmode")).ifPresent(m -> b.add("sslmode=" + quote(m)));
        return b.toString();
    }

    private static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
