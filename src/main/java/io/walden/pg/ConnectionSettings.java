package io.walden.pg;

import io.walden.error.UsageException;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where and as whom to connect to PostgreSQL, resolved the way libpq users expect, field by field: an
 * explicit {@code --pg-url} first, then the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE,
 * PGPASSWORD, PGSSLMODE, PGCONNECT_TIMEOUT), then what the data directory tells (port from postmaster.pid,
 * user = owner of PGDATA), then defaults (127.0.0.1, 5432, current OS user, database "postgres").
 *
 * <p>pgJDBC speaks TCP only, so a unix socket directory (a host starting with '/') means "this machine":
 * 127.0.0.1 on the same port. The password is never part of {@link #toString()} or any message.
 *
 * @param properties extra pgJDBC connection properties (sslmode, connectTimeout, ...), never user/password
 */
public record ConnectionSettings(String host, int port, String user, String database, Optional<String> password,
                                 Map<String, String> properties) {
    public static final int DEFAULT_PORT = 5432;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_DATABASE = "postgres";

    private static final String URL_HINT =
            "use postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAM=VALUE] or jdbc:postgresql://HOST:PORT/DATABASE";
    /** libpq parameter names and their pgJDBC equivalents; other parameters pass through unchanged. */
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout");
    /** Addresses in postmaster.pid that 127.0.0.1 reaches. */
    private static final Set<String> LOOPBACK_REACHABLE = Set.of("", "*", "0.0.0.0", "::", "localhost", "127.0.0.1", "::1");

    public ConnectionSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        properties = Map.copyOf(properties);
        if (properties.containsKey("user") || properties.containsKey("password")) {
            throw new IllegalArgumentException("user and password are fields, not properties");
        }
    }

    /**
     * Resolves the settings from {@code pgUrl} (the --pg-url flag), the environment {@code env} (pass
     * System.getenv()) and the data directory {@code pgdata}, in that order of precedence per field.
     */
    public static ConnectionSettings resolve(Optional<String> pgUrl, Map<String, String> env, Optional<Path> pgdata) {
        Parts url = pgUrl.filter(u -> !u.isBlank()).map(ConnectionSettings::parseUrl).orElseGet(Parts::new);
        Parts fromEnv = fromEnvironment(env);
        Optional<PostmasterPid> running = pgdata.flatMap(PostmasterPid::read);

        String host = first(url.host, fromEnv.host, running.map(ConnectionSettings::hostOf).orElse(null), DEFAULT_HOST);
        int port = url.port != null ? url.port
                : fromEnv.port != null ? fromEnv.port
                : running.map(PostmasterPid::port).orElse(DEFAULT_PORT);
        String user = first(url.user, fromEnv.user, pgdata.filter(Files::exists).map(OsUser::ownerOf).orElse(null),
                OsUser.currentName());
        String database = first(url.database, fromEnv.database, DEFAULT_DATABASE);
        Optional<String> password = Optional.ofNullable(first(url.password, fromEnv.password, null));

        Map<String, String> properties = new LinkedHashMap<>(fromEnv.properties);
        properties.putAll(url.properties);
        return new ConnectionSettings(local(host), port, user, database, password, properties);
    }

    /** The pgJDBC URL, without credentials. */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** The pgJDBC connection properties, credentials included: hand them to the driver only. */
    public Properties jdbcProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        props.setProperty("user", user);
        password.ifPresent(p -> props.setProperty("password", p));
        return props;
    }

    /** "host:port as user", for messages. */
    public String describe() {
        return host + ":" + port + " as " + user;
    }

    /** These settings with the given database, e.g. to reach "postgres" whatever the operator's default is. */
    public ConnectionSettings withDatabase(String otherDatabase) {
        return new ConnectionSettings(host, port, user, otherDatabase, password, properties);
    }

    @Override
    public String toString() {
        return "ConnectionSettings[host=" + host + ", port=" + port + ", user=" + user + ", database=" + database
                + ", password=" + (password.isPresent() ? "(set)" : "(none)") + ", properties=" + properties + "]";
    }

    /** A libpq URI (postgresql://, postgres://) or a pgJDBC URL (jdbc:postgresql:), split into fields. */
    static Parts parseUrl(String url) {
        String s = url.strip();
        String rest;
        if (s.startsWith("jdbc:postgresql:")) {
            rest = s.substring("jdbc:postgresql:".length());
            if (!rest.startsWith("//")) {
                // jdbc:postgresql:database[?params] — host and port from elsewhere
                return parsePathAndQuery(new Parts(), "/" + rest);
            }
            rest = rest.substring(2);
        } else if (s.startsWith("postgresql://")) {
            rest = s.substring("postgresql://".length());
        } else if (s.startsWith("postgres://")) {
            rest = s.substring("postgres://".length());
        } else {
            throw new UsageException("--pg-url must start with postgresql://, postgres:// or jdbc:postgresql:",
                    URL_HINT);
        }
        int end = indexOfAny(rest, "/?");
        String authority = end < 0 ? rest : rest.substring(0, end);
        Parts parts = new Parts();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            parts.user = blankToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            parts.password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        parseHostPort(parts, authority);
        return end < 0 ? parts : parsePathAndQuery(parts, rest.substring(end));
    }

    private static void parseHostPort(Parts parts, String hostPort) {
        if (hostPort.contains(",")) {
            throw new UsageException("--pg-url names several hosts; walden connects to one server",
                    "pass the URL of the server on this machine only");
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new UsageException("--pg-url has an IPv6 host without its closing ']'", URL_HINT);
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new UsageException("--pg-url has text after the IPv6 host: '" + after + "'", URL_HINT);
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        parts.host = blankToNull(decode(host));
        if (port != null && !port.isEmpty()) {
            parts.port = parsePort(port, "--pg-url");
        }
    }

    private static Parts parsePathAndQuery(Parts parts, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        if (path.startsWith("/")) {
            parts.database = blankToNull(decode(path.substring(1)));
        }
        if (q < 0) {
            return parts;
        }
        for (String pair : pathAndQuery.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (key) {
                case "host" -> parts.host = blankToNull(value);
                case "port" -> parts.port = parsePort(value, "--pg-url");
                case "user" -> parts.user = blankToNull(value);
                case "password" -> parts.password = value;
                case "dbname" -> parts.database = blankToNull(value);
                default -> parts.properties.put(LIBPQ_TO_JDBC.getOrDefault(key, key), value);
            }
        }
        return parts;
    }

    private static Parts fromEnvironment(Map<String, String> env) {
        Parts parts = new Parts();
        parts.host = blankToNull(env.get("PGHOST"));
        String port = blankToNull(env.get("PGPORT"));
        parts.port = port == null ? null : parsePort(port, "PGPORT");
        parts.user = blankToNull(env.get("PGUSER"));
        parts.database = blankToNull(env.get("PGDATABASE"));
        parts.password = env.get("PGPASSWORD");
        Optional.ofNullable(blankToNull(env.get("PGSSLMODE"))).ifPresent(v -> parts.properties.put("sslmode", v));
        Optional.ofNullable(blankToNull(env.get("PGCONNECT_TIMEOUT")))
                .ifPresent(v -> parts.properties.put("connectTimeout", v));
        return parts;
    }

    /** A server listening on one specific address must be reached there; on anything else 127.0.0.1 works. */
    private static String hostOf(PostmasterPid pid) {
        String address = pid.listenAddress();
        return LOOPBACK_REACHABLE.contains(address) ? null : address;
    }

    /** A unix socket directory means this machine, which pgJDBC reaches over TCP. */
    private static String local(String host) {
        return host.startsWith("/") ? DEFAULT_HOST : host;
    }

    private static int parsePort(String text, String source) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(source + " has an invalid port: '" + text + "'",
                "give a TCP port number between 1 and 65535, e.g. 5432");
    }

    /** libpq percent-decoding: %XX escapes as UTF-8; unlike form decoding, '+' stays '+'. */
    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            int percent = text.indexOf('%', i);
            int end = percent < 0 ? text.length() : percent;
            out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (percent < 0) {
                break;
            }
            if (!isHex(text, percent + 1) || !isHex(text, percent + 2)) {
                throw new UsageException("--pg-url has an invalid percent-escape", URL_HINT);
            }
            out.write(Integer.parseInt(text.substring(percent + 1, percent + 3), 16));
            i = percent + 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    /** One source's fields, null where that source says nothing. */
    static final class Parts {
        String host;
        Integer port;
        String user;
        String database;
        String password;
        final Map<String, String> properties = new LinkedHashMap<>();

        @Override
        public String toString() {
            return "Parts[host=" + host + ", port=" + port + ", user=" + user + ", database=" + database
                    + ", properties=" + properties + "]";
        }
    }
}
