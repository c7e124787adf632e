package io.walden.pg;

import io.walden.error.WaldenException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Opens JDBC connections for resolved {@link ConnectionSettings}, with a short connect timeout (a dead
 * server must fail fast at 3 a.m., not hang) and application_name "walden" so DBAs see who is connected.
 * A failure becomes one sentence naming where walden tried to connect, never the password.
 */
public final class PgConnector {
    private static final String CONNECT_TIMEOUT_SECONDS = "5";
    private static final String LOGIN_TIMEOUT_SECONDS = "15";
    private static final String HINT = "check that PostgreSQL is running and accepts TCP connections there; set "
            + "PGHOST, PGPORT, PGUSER and PGPASSWORD (or ~/.pgpass), or pass --pg-url postgresql://USER@HOST:PORT/DB";

    private final ConnectionSettings settings;

    public PgConnector(ConnectionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /** The same server and credentials, another database. */
    public PgConnector forDatabase(String database) {
        return new PgConnector(settings.withDatabase(database));
    }

    /** A new connection; the caller closes it. */
    public Connection open() {
        return open(new Properties());
    }

    /** A new connection with driver properties added (e.g. replication=true); the caller closes it. */
    public Connection open(Properties extra) {
        Properties props = settings.jdbcProperties();
        props.putAll(extra);
        props.putIfAbsent("ApplicationName", "walden");
        props.putIfAbsent("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        props.putIfAbsent("loginTimeout", LOGIN_TIMEOUT_SECONDS);
        try {
            Connection connection = new org.postgresql.Driver().connect(settings.jdbcUrl(), props);
            if (connection == null) {
                throw new SQLException("the driver does not accept " + settings.jdbcUrl());
            }
            return connection;
        } catch (SQLException e) {
            throw new WaldenException("cannot connect to PostgreSQL at " + settings.describe() + ": "
                    + reason(e), HINT, e);
        }
    }

    private String reason(SQLException e) {
        String message = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()).strip();
        String password = settings.password().orElse("");
        return password.isEmpty() ? message : message.replace(password, "****");
    }

    @Override
    public String toString() {
        return "PgConnector[" + settings.describe() + "]";
    }
}
