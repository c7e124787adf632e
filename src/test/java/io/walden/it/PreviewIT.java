package io.walden.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** walden preview against real PostgreSQL: look at the data before a mistake, move forward, leave nothing behind. */
class PreviewIT {
    private static final Pattern CONNECTION = Pattern.compile("psql \"host=127\\.0\\.0\\.1 port=(\\d+) dbname=postgres user=(\\S+)\"");
    private static final Pattern DIRECTORY = Pattern.compile("directory {2}(\\S+) ");

    @Test
    void showsTheRowsBeforeTheMistakeReadOnlyMovesForwardAndStopLeavesNothing() throws Exception {
        try (Scenario s = new Scenario("preview")) {
            Path stateDir = TestDirs.serverDir(s.base, "state");
            Cli cli = s.cli.with("WALDEN_STATE_DIR", stateDir.toString());
            s.pg.sql("CREATE TABLE orders (id int PRIMARY KEY)", "INSERT INTO orders SELECT generate_series(1, 100)",
                    "CREATE TABLE audit (note text)");
            String backup = s.backup();
            s.pg.sql("INSERT INTO orders SELECT generate_series(101, 150)");
            Scenario.pause(300);
            String beforeDelete = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("DELETE FROM orders WHERE id > 20");
            Scenario.pause(300);
            String afterDelete = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("INSERT INTO audit VALUES ('unrelated')");
            Scenario.pause(300);
            String beforeDrop = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("DROP TABLE orders");
            s.switchWalAndWaitArchived();

            try {
                Cli.Result r = cli.run("preview", "--target-time", beforeDelete);
                assertThat(r.exit()).as(r.toString()).isZero();
                assertThat(r.out()).contains("preview of backup " + backup + " paused at time ")
                        .contains("walden --repo " + s.repoSpec + " preview --stop")
                        .contains("preview --advance-to");
                Matcher m = CONNECTION.matcher(r.out());
                assertThat(m.find()).as(r.out()).isTrue();
                int port = Integer.parseInt(m.group(1));
                assertThat(port).isNotEqualTo(s.pg.port());
                Matcher d = DIRECTORY.matcher(r.out());
                assertThat(d.find()).as(r.out()).isTrue();
                Path dir = Path.of(d.group(1));
                assertThat(dir.resolve("pgdata/postmaster.pid")).exists();

                try (Connection c = connect(port, m.group(2)); Statement st = c.createStatement()) {
                    assertThat(single(st, "SELECT count(*) FROM orders")).isEqualTo("150");
                    assertThat(single(st, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
                    assertThat(single(st, "SELECT pg_get_wal_replay_pause_state()")).isEqualTo("paused");
                    assertThatThrownBy(() -> st.execute("INSERT INTO orders VALUES (1000)"))
                            .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
                }

                Cli.Result second = cli.run("preview", "--target-time", beforeDrop);
                assertThat(second.exit()).as(second.toString()).isEqualTo(1);
                assertThat(second.err()).contains("walden: a preview of this repository is already running: backup " + backup)
                        .contains("port " + port + ", in " + dir)
                        .contains("HINT: look at it with psql \"host=127.0.0.1 port=" + port)
                        .contains("or stop it first: walden --repo " + s.repoSpec + " preview --stop");

                Cli.Result backwards = cli.run("preview", "--advance-to", "2000-01-01 00:00:00 UTC");
                assertThat(backwards.exit()).as(backwards.toString()).isEqualTo(2);
                assertThat(backwards.err()).contains("is not later than the preview's target");

                Cli.Result advanced = cli.run("preview", "--advance-to", afterDelete);
                assertThat(advanced.exit()).as(advanced.toString()).isZero();
                assertThat(advanced.out()).contains("moved the preview of backup " + backup + " paused at time ")
                        .contains("port=" + port).doesNotContain("locked");
                try (Connection c = connect(port, m.group(2)); Statement st = c.createStatement()) {
                    assertThat(single(st, "SELECT count(*) FROM orders")).as("the rows the DELETE left").isEqualTo("20");
                    assertThat(single(st, "SELECT count(*) FROM audit")).isEqualTo("0");
                    assertThat(single(st, "SELECT pg_get_wal_replay_pause_state()")).isEqualTo("paused");
                }

                // just before the DROP's commit, replay holds the lock the DROP logged: walden says so
                Cli.Result beforeTheDrop = cli.run("preview", "--advance-to", beforeDrop);
                assertThat(beforeTheDrop.exit()).as(beforeTheDrop.toString()).isZero();
                assertThat(beforeTheDrop.out()).contains("  locked     orders: a transaction unfinished at the target");
                try (Connection c = connect(port, m.group(2)); Statement st = c.createStatement()) {
                    assertThat(single(st, "SELECT count(*) FROM audit")).isEqualTo("1");
                    st.execute("SET lock_timeout = '1s'");
                    assertThatThrownBy(() -> st.executeQuery("SELECT count(*) FROM orders"))
                            .isInstanceOf(SQLException.class).hasMessageContaining("lock timeout");
                }

                long pid = Long.parseLong(Files.readAllLines(dir.resolve("pgdata/postmaster.pid")).get(0).strip());
                assertThat(running(pid)).isTrue();
                Cli.Result stopped = cli.run("preview", "--stop");
                assertThat(stopped.exit()).as(stopped.toString()).isZero();
                assertThat(stopped.out()).contains("stopped the preview of backup " + backup).contains("removed " + dir);
                assertThat(running(pid)).as("postmaster " + pid).isFalse();
                assertThat(portOpen(port)).as("port " + port + " after --stop").isFalse();
                assertThat(dir).doesNotExist();
                assertThat(stateDir.resolve("previews")).isEmptyDirectory();
                // the preview never archived into the repository it came from (it stayed on timeline 1)
                assertThat(s.repo.resolve("wal/00000002.history")).doesNotExist();

                Cli.Result again = cli.run("preview", "--stop");
                assertThat(again.exit()).isEqualTo(1);
                assertThat(again.err()).contains("walden: no preview of the repository at ").contains("is running")
                        .contains("HINT: start one with: walden --repo " + s.repoSpec + " preview --target-time 'TIME'");
            } finally {
                cli.run("preview", "--stop");
            }
        }
    }

    @Test
    void badInputIsRefusedAndLeavesNoDirectory() throws Exception {
        try (Scenario s = new Scenario("preview-bad")) {
            Path stateDir = TestDirs.serverDir(s.base, "state");
            Cli cli = s.cli.with("WALDEN_STATE_DIR", stateDir.toString());
            Path dir = s.base.resolve("scratch");
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
            s.switchWalAndWaitArchived();

            Cli.Result noBackups = cli.run("preview", "--target-time", s.serverNow(), "--dir", dir.toString());
            assertThat(noBackups.exit()).as(noBackups.toString()).isEqualTo(1);
            assertThat(noBackups.err()).contains("walden: the repository at ").contains("has no backups")
                    .contains("HINT: take one with 'walden backup'");
            assertThat(dir).doesNotExist();

            s.backup();
            String later = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
            Cli.Result beyond = cli.run("preview", "--target-time", later, "--dir", dir.toString());
            assertThat(beyond.exit()).as(beyond.toString()).isEqualTo(1);
            assertThat(beyond.err()).contains("is outside the recoverable window").contains("HINT: choose a time within it");
            assertThat(dir).doesNotExist();

            // --immediate: a target inside the window, so that the port and directory checks are reached
            Cli.Result production = cli.run("preview", "--immediate", "--port", Integer.toString(s.pg.port()), "--dir", dir.toString());
            assertThat(production.exit()).as(production.toString()).isEqualTo(1);
            assertThat(production.err()).contains("walden: port " + s.pg.port() + " is the production server's port");
            assertThat(dir).doesNotExist();

            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Cli.Result inUse = cli.run("preview", "--immediate", "--port", Integer.toString(taken.getLocalPort()),
                        "--dir", dir.toString());
                assertThat(inUse.exit()).as(inUse.toString()).isEqualTo(1);
                assertThat(inUse.err()).contains("walden: port " + taken.getLocalPort() + " is in use on 127.0.0.1")
                        .contains("HINT: leave --port out to get a free port");
            }
            assertThat(dir).doesNotExist();

            Path occupied = Files.createDirectories(s.base.resolve("occupied"));
            Files.writeString(occupied.resolve("keep.txt"), "mine");
            Cli.Result notEmpty = cli.run("preview", "--immediate", "--dir", occupied.toString());
            assertThat(notEmpty.exit()).as(notEmpty.toString()).isEqualTo(1);
            assertThat(notEmpty.err()).contains("is not an empty directory");
            assertThat(occupied.resolve("keep.txt")).hasContent("mine");

            Cli.Result noTarget = cli.run("preview");
            assertThat(noTarget.exit()).as(noTarget.toString()).isEqualTo(2);
            assertThat(noTarget.err()).contains("walden: a preview needs a target");

            assertThat(stateDir.resolve("previews")).satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
        }
    }

    private static Connection connect(int port, String user) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", user, "");
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Alive and not a zombie waiting for its parent (init here, since pg_ctl detaches the postmaster) to reap it. */
    private static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
