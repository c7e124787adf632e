package io.walden.wal.stream;

import io.walden.error.WaldenException;
import io.walden.pg.PgConnector;
import io.walden.wal.Lsn;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The server side of streaming: a physical replication connection (IDENTIFY_SYSTEM, START_REPLICATION) and
 * an ordinary one for the slot (create it if missing, read its restart_lsn and the WAL it retains).
 */
public final class ReplicationSource {
    private final PgConnector connector;
    private final String slot;

    public ReplicationSource(PgConnector connector, String slot) {
        this.connector = connector;
        this.slot = slot;
    }

    public String slot() {
        return slot;
    }

    /** What IDENTIFY_SYSTEM says. */
    public record Identity(long systemIdentifier, int timeline, Lsn flushed) {}

    /** A replication connection; the caller closes it. */
    Connection openReplication() {
        Properties extra = new Properties();
        PGProperty.REPLICATION.set(extra, "true");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(extra, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(extra, "simple");
        return connector.open(extra);
    }

    Identity identify(Connection replication) throws SQLException {
        try (Statement s = replication.createStatement(); ResultSet r = s.executeQuery("IDENTIFY_SYSTEM")) {
            r.next();
            return new Identity(Long.parseUnsignedLong(r.getString(1)), r.getInt(2), Lsn.parse(r.getString(3)));
        }
    }

    /**
     * The history file of {@code timeline} as the server has it (TIMELINE_HISTORY), so a repository fed only by
     * streaming still knows where the new timeline forked. Timeline 1 has none.
     */
    Optional<byte[]> timelineHistory(Connection replication, int timeline) throws SQLException {
        if (timeline <= 1) {
            return Optional.empty();
        }
        try (Statement s = replication.createStatement(); ResultSet r = s.executeQuery("TIMELINE_HISTORY " + timeline)) {
            return r.next() ? Optional.of(r.getBytes(2)) : Optional.empty();
        }
    }

    /**
     * Creates the slot if it does not exist, reserving WAL at once so nothing is removed before streaming
     * starts, and returns its restart_lsn.
     */
    Optional<Lsn> ensureSlot() throws SQLException {
        try (Connection c = connector.open()) {
            Optional<Lsn> restart = restartLsn(c);
            if (restart.isPresent()) {
                return restart;
            }
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
                p.setString(1, slot);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        try (PreparedStatement create = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                            create.setString(1, slot);
                            create.execute();
                        } catch (SQLException e) {
                            if (!"42710".equals(e.getSQLState())) { // created by someone else meanwhile
                                throw e;
                            }
                        }
                    }
                }
            }
            return restartLsn(c);
        }
    }

    private Optional<Lsn> restartLsn(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT restart_lsn::text, slot_type FROM pg_replication_slots WHERE slot_name = ?")) {
            p.setString(1, slot);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                if (!"physical".equals(r.getString(2))) {
                    throw new WaldenException("replication slot '" + slot + "' is a " + r.getString(2) + " slot",
                            "give walden daemon a physical slot of its own with --slot NAME");
                }
                return Optional.ofNullable(r.getString(1)).map(Lsn::parse);
            }
        }
    }

    /** Bytes of WAL the server keeps for the slot; empty if the slot or its restart_lsn is missing. */
    public Optional<Long> retainedBytes() throws SQLException {
        try (Connection c = connector.open();
             PreparedStatement p = c.prepareStatement("SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
                     + " THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, restart_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = ? AND restart_lsn IS NOT NULL")) {
            p.setString(1, slot);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The server's wal_segment_size. */
    long segmentSize() throws SQLException {
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The server's major version. */
    int major() throws SQLException {
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            r.next();
            return r.getInt(1);
        }
    }

    PGReplicationStream start(Connection replication, Lsn from) throws SQLException {
        return replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
                .withSlotName(slot)
                .withStartPosition(LogSequenceNumber.valueOf(from.value()))
                .withStatusInterval(1, TimeUnit.SECONDS)
                .start();
    }
}
