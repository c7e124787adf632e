package io.walden.it;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The three procedures of the restore runbook, against real PostgreSQL: latest, point in time, clone. */
class RestoreIT {

    @Test
    void backupWhileWritingThenRestoreLatest() throws Exception {
        try (Scenario s = new Scenario("latest")) {
            s.pg.sql("CREATE TABLE t (id bigserial PRIMARY KEY, payload text)",
                    "INSERT INTO t (payload) SELECT repeat('x', 200) FROM generate_series(1, 20000)");
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong committed = new AtomicLong();
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    s.pg.sql("INSERT INTO t (payload) VALUES ('during backup')");
                    committed.incrementAndGet();
                }
            });
            writer.start();
            String id;
            try {
                id = s.backup();
            } finally {
                writing.set(false);
                writer.join();
            }
            assertThat(committed.get()).as("rows written while the backup ran").isPositive();
            s.pg.sql("INSERT INTO t (payload) SELECT 'after' FROM generate_series(1, 500)");
            long expected = s.count("t");

            Cli.Result list = s.ok("list");
            assertThat(list.out()).contains(id).contains("PG");
            Cli.Result json = s.ok("list", "--json");
            assertThat(json.out()).contains("\"id\" : \"" + id + "\"");

            Cli.Result r = s.restore();
            assertThat(r.out()).contains("restored backup " + id + " to the end of the archived WAL");
            assertThat(s.count("t")).isEqualTo(expected);
            assertThat(s.pg.queryString("SELECT pg_is_in_recovery()::text")).isEqualTo("false");
            assertThat(s.pg.pgdata().resolveSibling("pgdata.pre-restore").resolve("PG_VERSION")).exists();
        }
    }

    @Test
    void pointInTimeBetweenTwoCommitsThenAgainOnTimelineTwoThenLatestTimeline() throws Exception {
        try (Scenario s = new Scenario("pitr")) {
            s.pg.sql("CREATE TABLE t (id int)");
            s.backup();
            s.pg.sql("INSERT INTO t SELECT generate_series(1, 100)");
            Scenario.pause(300);
            String target = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("INSERT INTO t SELECT generate_series(101, 150)");

            Cli.Result first = s.restore("--target-time", target);
            assertThat(first.out()).contains("recovery stopped before commit of transaction");
            assertThat(s.count("t")).isEqualTo(100);
            assertThat(s.timeline()).isEqualTo(2);

            // a second mistake on the new timeline, and a second PITR
            s.pg.sql("INSERT INTO t SELECT generate_series(200, 209)");
            Scenario.pause(300);
            String second = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("DELETE FROM t");
            s.restore("--target-time", second);
            assertThat(s.count("t")).isEqualTo(110);
            assertThat(s.timeline()).isEqualTo(3);

            // the latest state follows timeline 3, replaying from the backup taken on timeline 1
            s.pg.sql("INSERT INTO t SELECT generate_series(300, 306)");
            s.restore();
            assertThat(s.count("t")).isEqualTo(117);
            assertThat(s.timeline()).isEqualTo(4);
        }
    }

    @Test
    void pointInTimeToLsnRestorePointAndExclusiveXid() throws Exception {
        try (Scenario s = new Scenario("targets")) {
            s.pg.sql("CREATE TABLE t (id int)");
            s.backup();
            s.pg.sql("INSERT INTO t SELECT generate_series(1, 100)");
            String lsn = s.pg.queryString("SELECT pg_current_wal_lsn()::text");
            s.pg.sql("INSERT INTO t SELECT generate_series(101, 150)");
            s.restore("--target-lsn", lsn);
            assertThat(s.count("t")).isEqualTo(100);

            s.pg.sql("INSERT INTO t SELECT generate_series(1000, 1009)", "SELECT pg_create_restore_point('before_cleanup')",
                    "DELETE FROM t WHERE id < 50");
            s.pg.sql("SELECT pg_switch_wal()");
            Cli.Result status = s.ok("status");
            for (int i = 0; i < 60 && !status.out().contains("'before_cleanup'"); i++) {
                Scenario.pause(500); // archive_command has a few files to push after the promotion
                status = s.ok("status");
            }
            assertThat(status.out()).contains("restore point  'before_cleanup' at ").contains("recoverable    ")
                    .contains("archive lag    last archived commit ");
            Cli.Result unknown = s.cli.run("restore", "--pgdata", s.pg.pgdata().toString(), "--target-name", "before_clenaup");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("walden: no restore point named 'before_clenaup'")
                    .contains("HINT: known restore points: before_cleanup;");
            s.restore("--target-name", "before_cleanup");
            assertThat(s.count("t")).isEqualTo(110);

            String xid;
            try (var c = s.pg.connect(); var st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO t SELECT generate_series(2000, 2019)");
                try (var rs = st.executeQuery("SELECT txid_current()::text")) {
                    rs.next();
                    xid = rs.getString(1);
                }
                c.commit();
            }
            s.pg.sql("INSERT INTO t SELECT generate_series(3000, 3004)");
            assertThat(s.count("t")).isEqualTo(135);
            s.restore("--target-xid", xid, "--exclusive");
            assertThat(s.count("t")).as("the transaction itself is excluded").isEqualTo(110);
        }
    }

    @Test
    void cloneIntoAnEmptyDirectoryOnAnotherPort() throws Exception {
        try (Scenario s = new Scenario("clone")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1234)");
            s.backup();
            s.pg.sql("INSERT INTO t SELECT generate_series(1, 66)");
            s.switchWalAndWaitArchived();

            var cloneDir = TestDirs.serverDir(s.base, "clone");
            var clonePgdata = cloneDir.resolve("pgdata");
            var cloneRepo = TestDirs.serverDir(s.base, "clone-repo");
            int port = TestClusterPorts.free();
            Cli.Result r = s.cli.run("--repo", cloneRepo.toString(), "restore", "--from", s.repo.toString(),
                    "--pgdata", clonePgdata.toString(), "--port", Integer.toString(port));
            assertThat(r.exit()).as(r.toString()).isZero();
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                 var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1300);
                st.execute("SELECT pg_switch_wal()");
            }
            // the clone archives into its own repository, never into the source's
            long deadline = System.currentTimeMillis() + 30_000;
            while (!java.nio.file.Files.exists(cloneRepo.resolve("walden.json")) && System.currentTimeMillis() < deadline) {
                Scenario.pause(200);
            }
            assertThat(cloneRepo.resolve("walden.json")).exists();
            assertThat(s.count("t")).as("the source keeps running").isEqualTo(1300);
            new io.walden.pg.PgCtl(TestCluster.binaries(), clonePgdata, s.pg.osUser()).stop("immediate", java.time.Duration.ofSeconds(60));
        }
    }
}
