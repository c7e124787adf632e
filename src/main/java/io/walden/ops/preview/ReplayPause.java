package io.walden.ops.preview;

import io.walden.error.WaldenException;
import io.walden.pg.PgConnector;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the scratch server itself whether replay has paused, the way an operator would: the server log said so,
 * but only a login proves the connection string works. PostgreSQL 14 and later tell a pause requested from
 * one in effect (pg_get_wal_replay_pause_state); 13 knows only pg_is_wal_replay_paused.
 */
final class ReplayPause {
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * Relations that a transaction in progress at the target holds an ACCESS EXCLUSIVE lock on (a DROP or
     * TRUNCATE whose commit comes after it): replay took the lock with the record that logged it, and keeps
     * it while paused, so reading them waits.
     */
    private static final String LOCKED = "SELECT coalesce(c.oid::regclass::text, 'relation ' || l.relation || ' of database ' || l.database)"
            + " FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation"
            + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted"
            + " AND (c.oid IS NULL OR c.relkind NOT IN ('i', 'I', 't')) ORDER BY 1"; // a table's indexes and TOAST go with it

    /**
     * @param lastReplayed the commit time of the last transaction replayed, when there was one
     * @param locked       relations reading waits for, see {@link #LOCKED}
     * @param loginProblem why walden could not log in to check (the server's own authentication rules), or null
     */
    record Seen(Optional<Instant> lastReplayed, List<String> locked, String loginProblem) {}

    private ReplayPause() {
    }

    static Seen await(PgConnector connector, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Connection c = login(connector); Statement s = c.createStatement()) {
                if (paused(s)) {
                    return new Seen(lastReplayed(s), locked(s), null);
                }
            } catch (LoginFailed e) {
                return new Seen(Optional.empty(), List.of(), e.getMessage());
            } catch (SQLException e) {
                throw new WaldenException("cannot ask the preview whether replay has paused: " + e.getMessage(),
                        "read the server log in the preview's pgdata/log");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new WaldenException("the preview did not report a paused replay within " + timeout.toSeconds() + " s",
                        "read the server log in the preview's pgdata/log");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaldenException("interrupted while waiting for the preview to pause", null);
            }
        }
    }

    private static Connection login(PgConnector connector) throws LoginFailed {
        try {
            return connector.open();
        } catch (WaldenException e) {
            throw new LoginFailed(e.getMessage());
        }
    }

    private static boolean paused(Statement s) throws SQLException {
        int version = Integer.parseInt(single(s, "SHOW server_version_num"));
        if (version >= 140000) {
            return "paused".equals(single(s, "SELECT pg_get_wal_replay_pause_state()"));
        }
        return "true".equals(single(s, "SELECT pg_is_wal_replay_paused()::text"));
    }

    private static Optional<Instant> lastReplayed(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT pg_last_xact_replay_timestamp()")) {
            r.next();
            return Optional.ofNullable(r.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
        }
    }

    private static List<String> locked(Statement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(LOCKED)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static final class LoginFailed extends Exception {
        LoginFailed(String message) {
            super(message, null, false, false);
        }
    }
}
