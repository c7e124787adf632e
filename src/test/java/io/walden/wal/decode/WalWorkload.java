package io.walden.wal.decode;

import io.walden.it.TestCluster;
import io.walden.it.TestDirs;
import io.walden.wal.Lsn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL that produces the records the decoder must get right, run on a real cluster, and what the server
 * itself says about them (xids, commit timestamps, restore point and switch locations, checkpoint facts),
 * for versions that have no pg_waldump to compare with. The cluster needs wal_level = logical,
 * track_commit_timestamp = on and max_prepared_transactions > 0.
 */
final class WalWorkload {
    static final String RESTORE_POINT = "before_drop";
    static final String GID = "walden_gid";

    /** What the server said while the workload ran. */
    record Expectations(Map<Long, Instant> commits, List<Long> aborts, long subxactParent, Lsn restorePointEnd,
                        long dropXid, RelFileLocator droppedFile, long truncateXid, RelFileLocator truncatedFile,
                        long truncatedOid, long deleteXid, RelFileLocator deletedFrom, long preparedXid,
                        long abortedPreparedXid, Lsn checkpointLsn, Lsn checkpointRedo, Instant checkpointTime,
                        int checkpointTimeline, Lsn switchEnd) {
    }

    /** A promotion to timeline 2 happened between {@code before} and {@code after}. */
    record Promotion(Instant before, Instant after, long commitXid) {
    }

    private final Statement s;
    private final Map<Long, Instant> commits = new LinkedHashMap<>();
    private final List<Long> aborts = new ArrayList<>();

    private WalWorkload(Statement s) {
        this.s = s;
    }

    static Expectations run(TestCluster cluster) throws SQLException {
        try (Connection c = cluster.connect(); Statement s = c.createStatement()) {
            return new WalWorkload(s).runAll();
        }
    }

    private Expectations runAll() throws SQLException {
        s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        // stored inline and uncompressed, so that one row makes a record longer than a page
        s.execute("ALTER TABLE t ALTER COLUMN v SET STORAGE PLAIN");
        committed("INSERT INTO t VALUES (1, repeat('x', 7000))");
        s.execute("SELECT pg_logical_emit_message(false, 'walden', repeat('y', 20000))");

        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (2, 'two')");
        s.execute("SAVEPOINT a");
        s.execute("INSERT INTO t VALUES (3, 'three')");
        s.execute("SAVEPOINT b");
        s.execute("INSERT INTO t VALUES (4, 'four')");
        long subxactParent = xid();
        s.execute("COMMIT");
        commits.put(subxactParent, null);

        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (5, 'five')");
        aborts.add(xid());
        s.execute("ROLLBACK");

        Lsn restorePointEnd = Lsn.parse(text("SELECT pg_create_restore_point('" + RESTORE_POINT + "')::text"));

        long dbOid = number("SELECT oid FROM pg_database WHERE datname = current_database()");
        s.execute("CREATE TABLE d (id int)");
        s.execute("INSERT INTO d VALUES (1)");
        RelFileLocator droppedFile = new RelFileLocator(1663, dbOid, number("SELECT pg_relation_filenode('d')"));
        long dropXid = committed("DROP TABLE d");

        s.execute("CREATE TABLE tr (id int)");
        s.execute("INSERT INTO tr SELECT generate_series(1, 100)");
        RelFileLocator truncatedFile = new RelFileLocator(1663, dbOid, number("SELECT pg_relation_filenode('tr')"));
        long truncatedOid = number("SELECT 'tr'::regclass::oid");
        long truncateXid = committed("TRUNCATE tr");

        RelFileLocator deletedFrom = new RelFileLocator(1663, dbOid, number("SELECT pg_relation_filenode('t')"));
        long deleteXid = committed("DELETE FROM t WHERE id = 2");

        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (6, 'six')");
        long preparedXid = xid();
        s.execute("PREPARE TRANSACTION '" + GID + "'");
        s.execute("COMMIT PREPARED '" + GID + "'");
        commits.put(preparedXid, null);
        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (7, 'seven')");
        long abortedPreparedXid = xid();
        s.execute("PREPARE TRANSACTION 'walden_rollback'");
        s.execute("ROLLBACK PREPARED 'walden_rollback'");

        // enough WAL to cross segment boundaries (1 MB segments), records of all sizes included
        committed("INSERT INTO t SELECT g, repeat('z', g % 700) FROM generate_series(100, 3000) g");

        // compressed full-page images (the first change of each page after a checkpoint)
        s.execute("ALTER SYSTEM SET wal_compression = on");
        s.execute("SELECT pg_reload_conf()");
        s.execute("SELECT pg_sleep(0.5)");
        s.execute("CHECKPOINT");
        committed("UPDATE t SET v = v || 'u' WHERE id < 400");
        s.execute("ALTER SYSTEM RESET wal_compression");
        s.execute("SELECT pg_reload_conf()");

        s.execute("CHECKPOINT");
        Lsn checkpointLsn;
        Lsn checkpointRedo;
        Instant checkpointTime;
        int checkpointTimeline;
        try (ResultSet rs = s.executeQuery(
                "SELECT checkpoint_lsn::text, redo_lsn::text, checkpoint_time, timeline_id FROM pg_control_checkpoint()")) {
            rs.next();
            checkpointLsn = Lsn.parse(rs.getString(1));
            checkpointRedo = Lsn.parse(rs.getString(2));
            checkpointTime = rs.getObject(3, OffsetDateTime.class).toInstant();
            checkpointTimeline = rs.getInt(4);
        }
        Lsn switchEnd = Lsn.parse(text("SELECT pg_switch_wal()::text"));
        committed("INSERT INTO t VALUES (8, 'after the switch')");

        for (Map.Entry<Long, Instant> commit : commits.entrySet()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_xact_commit_timestamp('" + commit.getKey() + "'::xid)")) {
                rs.next();
                commit.setValue(rs.getObject(1, OffsetDateTime.class).toInstant());
            }
        }
        return new Expectations(Map.copyOf(commits), List.copyOf(aborts), subxactParent, restorePointEnd, dropXid,
                droppedFile, truncateXid, truncatedFile, truncatedOid, deleteXid, deletedFrom, preparedXid,
                abortedPreparedXid, checkpointLsn, checkpointRedo, checkpointTime, checkpointTimeline, switchEnd);
    }

    /**
     * Restarts the stopped cluster as a standby of nothing and promotes it, which writes an end-of-recovery
     * record starting timeline 2; commits once on the new timeline and stops the cluster.
     */
    static Promotion promote(TestCluster cluster) throws SQLException, IOException {
        Path signal = cluster.pgdata().resolve("standby.signal");
        Files.createFile(signal);
        TestDirs.giveToServer(signal);
        cluster.start();
        Instant before = Instant.now();
        cluster.pgCtl().promote();
        Instant after = Instant.now();
        long xid;
        try (Connection c = cluster.connect(); Statement s = c.createStatement()) {
            xid = new WalWorkload(s).committed("INSERT INTO t VALUES (9, 'on timeline 2')");
        }
        cluster.stop();
        return new Promotion(before, after, xid);
    }

    /** Runs {@code sql} in a transaction of its own and returns its xid. */
    private long committed(String sql) throws SQLException {
        s.execute("BEGIN");
        s.execute(sql);
        long xid = xid();
        s.execute("COMMIT");
        commits.put(xid, null);
        return xid;
    }

    /** The current transaction's 32-bit xid (a new cluster's epoch is 0). */
    private long xid() throws SQLException {
        return number("SELECT txid_current() % 4294967296");
    }

    private long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private String text(String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
