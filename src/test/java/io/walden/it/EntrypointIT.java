package io.walden.it;

import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgConnector;
import io.walden.pg.PgCtl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container scripts of docker/, run with bash outside a container against real clusters: the entrypoint's
 * clone of another instance's repository into an empty PGDATA (and its refusals), and the restore Job's script.
 * The source cluster and its repository are shared; the restore Job, which rewinds the source, runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EntrypointIT {
    private static final String ENTRYPOINT = "docker/entrypoint.sh";
    private static final String RESTORE_JOB = "docker/restore-job.sh";
    private static final String MARKER = "walden-clone-from";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private Scenario s;
    private Path launcher;
    private String backupId;
    /** Rows: 1000 in the backup, 1100 at {@link #targetTime}, 1250 at the end of the archived WAL. */
    private String targetTime;

    @BeforeAll
    void sourceWithBackupAndLaterWal() {
        s = new Scenario("entrypoint");
        launcher = TestDirs.installLauncher(s.base);
        s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)");
        backupId = s.backup();
        s.pg.sql("INSERT INTO t SELECT generate_series(1001, 1100)");
        Scenario.pause(300);
        targetTime = s.serverNow();
        Scenario.pause(300);
        s.pg.sql("INSERT INTO t SELECT generate_series(1101, 1250)");
        s.switchWalAndWaitArchived();
    }

    @AfterAll
    void close() {
        if (s != null) {
            s.close();
        }
    }

    @Test
    @Order(1)
    void clonesIntoAMissingPgdataRunsTheCommandThenARestartKeepsTheClone() throws Exception {
        Path dir = TestDirs.serverDir(s.base, "clone");
        Path pgdata = dir.resolve("pgdata");
        Path ownRepo = TestDirs.serverDir(s.base, "clone-repo");
        Map<String, String> env = cloneEnv(pgdata, ownRepo);

        ScriptRun first = ScriptRun.bash(ENTRYPOINT, env, "touch", dir.resolve("started").toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.err()).contains("cloning the newest state of " + s.repo + " into " + pgdata);
        assertThat(dir.resolve("started")).as("the command ran after the clone").exists();
        assertThat(pgdata.resolve("PG_VERSION")).exists();
        assertThat(pgdata.resolve("global/pg_control")).exists();
        assertThat(pgdata.resolve("base")).isDirectory();
        assertThat(pgdata.resolve("recovery.signal")).as("PostgreSQL replays on its start").exists();
        String auto = Files.readString(pgdata.resolve("postgresql.auto.conf"));
        assertThat(auto).contains("restore_command").contains("--repo " + s.repo + " wal-fetch")
                .contains("--repo " + ownRepo + " wal-push");
        Path marker = pgdata.resolve(MARKER);
        assertThat(Files.readAllLines(marker).get(0)).isEqualTo(s.repo.toString());
        assertThat(Files.getOwner(marker)).as("PostgreSQL's user owns the marker as all of PGDATA")
                .isEqualTo(Files.getOwner(pgdata));

        // the cloned server replays the source's WAL, opens with all of it and archives into its own repository
        int port = TestClusterPorts.free();
        PgCtl clone = new PgCtl(TestCluster.binaries(), pgdata, s.pg.osUser());
        clone.startAndWait(dir.resolve("clone.log"), OptionalInt.of(port), START_TIMEOUT);
        try {
            awaitPromoted(port);
            assertThat(queryLong(port, "SELECT count(*) FROM t")).isEqualTo(1250);
            queryLong(port, "SELECT count(*) FROM (SELECT pg_switch_wal()) x");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(ownRepo.resolve("walden.json")) && System.nanoTime() < deadline) {
                Scenario.pause(200);
            }
            assertThat(ownRepo.resolve("walden.json")).as("the clone archives into WALDEN_REPO").exists();
        } finally {
            clone.stop("fast", START_TIMEOUT);
        }
        assertThat(s.count("t")).as("the source is untouched").isEqualTo(1250);

        // a restarted pod: same source (spelled with a trailing slash), PGDATA as it is, no second clone
        List<String> before = tree(pgdata);
        env.put("WALDEN_CLONE_FROM", s.repo + "/");
        ScriptRun again = ScriptRun.bash(ENTRYPOINT, env, "touch", dir.resolve("started-again").toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err().strip()).isEqualTo("walden-entrypoint: PGDATA " + pgdata + " was cloned from " + s.repo
                + "/ on an earlier start; starting it as it is (WALDEN_CLONE_FROM can be removed now)");
        assertThat(dir.resolve("started-again")).exists();
        assertThat(tree(pgdata)).isEqualTo(before);

        // the same PGDATA asked to be a clone of another instance: refused, nothing touched, nothing started
        Path other = s.base.resolve("other-repo");
        env.put("WALDEN_CLONE_FROM", other.toString());
        ScriptRun refused = ScriptRun.bash(ENTRYPOINT, env, "touch", dir.resolve("started-other").toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("PGDATA " + pgdata + " was cloned from " + s.repo
                        + ", but WALDEN_CLONE_FROM asks for a clone of " + other + "; nothing was changed")
                .contains("HINT: to start the cluster in PGDATA, unset WALDEN_CLONE_FROM")
                .contains("give this instance an empty volume");
        assertThat(dir.resolve("started-other")).doesNotExist();
        assertThat(tree(pgdata)).isEqualTo(before);
    }

    @Test
    @Order(2)
    void refusesANonEmptyPgdataWithoutMarkerAndBadSettingsTouchingNothing() throws Exception {
        Path dir = TestDirs.serverDir(s.base, "occupied");
        Path ownRepo = TestDirs.serverDir(s.base, "occupied-repo");
        Path pgdata = dir.resolve("pgdata");
        Files.createDirectories(pgdata.resolve("global"));
        Files.createDirectories(pgdata.resolve("base/1"));
        Files.writeString(pgdata.resolve("PG_VERSION"), "17\n");
        Files.write(pgdata.resolve("global/pg_control"), new byte[8192]);
        Files.writeString(pgdata.resolve("base/1/1259"), "rows");
        List<String> before = tree(pgdata);
        Path started = dir.resolve("started");

        ScriptRun occupied = ScriptRun.bash(ENTRYPOINT, cloneEnv(pgdata, ownRepo), "touch", started.toString());
        assertThat(occupied.exit()).as(occupied.toString()).isEqualTo(1);
        assertThat(occupied.err()).contains("PGDATA " + pgdata + " is not empty (it holds PG_VERSION base global)",
                "has no walden-clone-from marker", "nothing was changed",
                "HINT: to start the cluster already in PGDATA, unset WALDEN_CLONE_FROM; to clone " + s.repo
                        + ", give this instance an empty volume");
        assertThat(tree(pgdata)).isEqualTo(before);
        assertThat(started).doesNotExist();
        assertThat(ownRepo.resolve("walden.json")).doesNotExist();

        Files.delete(pgdata.resolve("global/pg_control"));
        ScriptRun half = ScriptRun.bash(ENTRYPOINT, cloneEnv(pgdata, ownRepo), "touch", started.toString());
        assertThat(half.exit()).isEqualTo(1);
        assertThat(half.err()).contains("holds a restore that stopped half way (no global/pg_control)",
                "HINT: remove everything in " + pgdata);
        assertThat(started).doesNotExist();

        Path volume = TestDirs.serverDir(s.base, "volume");
        Files.createDirectory(volume.resolve("lost+found"));
        ScriptRun root = ScriptRun.bash(ENTRYPOINT, cloneEnv(volume, ownRepo), "touch", started.toString());
        assertThat(root.exit()).isEqualTo(1);
        assertThat(root.err()).contains("holds only lost+found", "HINT: point PGDATA at a subdirectory of the volume");

        Path empty = TestDirs.serverDir(s.base, "empty");
        Map<String, String> noRepo = cloneEnv(empty, ownRepo);
        noRepo.remove("WALDEN_REPO");
        ScriptRun withoutRepo = ScriptRun.bash(ENTRYPOINT, noRepo, "touch", started.toString());
        assertThat(withoutRepo.exit()).isEqualTo(1);
        assertThat(withoutRepo.err()).contains("WALDEN_CLONE_FROM is set, but WALDEN_REPO is not",
                "HINT: set WALDEN_REPO to this instance's own repository");

        ScriptRun sameRepo = ScriptRun.bash(ENTRYPOINT, cloneEnv(empty, s.repo), "touch", started.toString());
        assertThat(sameRepo.exit()).isEqualTo(1);
        assertThat(sameRepo.err()).contains("WALDEN_REPO and WALDEN_CLONE_FROM both name " + s.repo);

        ScriptRun noCommand = ScriptRun.bash(ENTRYPOINT, cloneEnv(empty, ownRepo));
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.err()).contains("no command to run");

        // walden refuses the target before it changes anything: its message, its status, no marker, no start
        Map<String, String> noZone = cloneEnv(empty, ownRepo);
        noZone.put("WALDEN_CLONE_TARGET_TIME", "2026-02-13 14:30:00");
        ScriptRun badTarget = ScriptRun.bash(ENTRYPOINT, noZone, "touch", started.toString());
        assertThat(badTarget.exit()).as(badTarget.toString()).isNotZero();
        assertThat(badTarget.err()).contains("has no time zone")
                .contains("the clone from " + s.repo + " failed (walden exited with status " + badTarget.exit());
        assertThat(started).doesNotExist();
        try (Stream<Path> left = Files.list(empty)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    @Order(3)
    void clonesTheStateAtATargetTimeFromANamedBackup() throws Exception {
        Path dir = TestDirs.serverDir(s.base, "clone-pitr");
        Path pgdata = TestDirs.serverDir(dir, "pgdata"); // an empty directory, as a fresh volume's subdirectory is
        Map<String, String> env = cloneEnv(pgdata, TestDirs.serverDir(s.base, "clone-pitr-repo"));
        env.put("WALDEN_CLONE_TARGET_TIME", targetTime);
        env.put("WALDEN_CLONE_BACKUP_ID", backupId);

        ScriptRun r = ScriptRun.bash(ENTRYPOINT, env, "touch", dir.resolve("started").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored backup " + backupId);
        // replay to a target is PostgreSQL's, proven by the restore Job's test below: here, that it is asked for
        assertThat(Files.readString(pgdata.resolve("postgresql.auto.conf"))).contains("recovery_target_time = '")
                .contains("recovery_target_action = 'promote'");
        assertThat(pgdata.resolve("recovery.signal")).exists();
        assertThat(Files.readString(pgdata.resolve(MARKER))).startsWith(s.repo + "\n")
                .contains("the state at " + targetTime + " from backup " + backupId);
        assertThat(dir.resolve("started")).exists();
    }

    @Test
    @Order(4)
    void aCloneKilledHalfWayIsClonedAgainOnTheNextStart() throws Exception {
        Path dir = TestDirs.serverDir(s.base, "clone-killed");
        Path pgdata = dir.resolve("pgdata");
        Map<String, String> env = cloneEnv(pgdata, TestDirs.serverDir(s.base, "clone-killed-repo"));
        Map<String, String> killed = new HashMap<>(env);
        // walden dies as if by SIGKILL half way through writing the files
        killed.put("WALDEN_FAULT", "restore.mid-write");

        ScriptRun first = ScriptRun.bash(ENTRYPOINT, killed, "touch", dir.resolve("started").toString());
        assertThat(first.exit()).as(first.toString()).isEqualTo(137);
        assertThat(first.err()).contains("the clone from " + s.repo + " failed (walden exited with status 137");
        assertThat(pgdata).isDirectory();
        assertThat(pgdata.resolve("global/pg_control")).doesNotExist();
        assertThat(dir.resolve("pgdata.walden-restore")).as("walden's journal of the interrupted restore").exists();
        assertThat(pgdata.resolve(MARKER)).doesNotExist();
        assertThat(dir.resolve("started")).doesNotExist();

        ScriptRun second = ScriptRun.bash(ENTRYPOINT, env, "touch", dir.resolve("started").toString());
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.err()).contains("found an interrupted restore into " + pgdata);
        assertThat(Files.readAllLines(pgdata.resolve(MARKER)).get(0)).isEqualTo(s.repo.toString());
        assertThat(dir.resolve("pgdata.walden-restore")).doesNotExist();
        assertThat(dir.resolve("started")).exists();
    }

    @Test
    @Order(10)
    void restoreJobWritesATargetWithoutStartingOrReplaysItPromotesAndStops() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "WALDEN_BIN", launcher.toString(),
                "WALDEN_REPO", s.repo.toString(),
                "PGDATA", s.pg.pgdata().toString()));

        Map<String, String> bad = new HashMap<>(env);
        bad.put("AUTO_START", "maybe");
        ScriptRun badFlag = ScriptRun.bash(RESTORE_JOB, bad);
        assertThat(badFlag.exit()).isEqualTo(2);
        assertThat(badFlag.err()).contains("AUTO_START is 'maybe', which is neither true nor false", "HINT: set AUTO_START=true");

        // the server still runs on this volume (another pod, as far as the Job can tell): refused
        ScriptRun running = ScriptRun.bash(RESTORE_JOB, env);
        assertThat(running.exit()).isEqualTo(1);
        assertThat(running.err()).contains("postmaster.pid exists: PostgreSQL may still be running", "nothing was changed",
                "HINT: scale the StatefulSet to 0");
        assertThat(s.pg.isRunning()).isTrue();
        assertThat(s.count("t")).isEqualTo(1250);

        s.pg.stop();
        Map<String, String> noStartEnv = new HashMap<>(env);
        noStartEnv.put("TARGET_TIME", targetTime);
        noStartEnv.put("BACKUP_ID", backupId);
        noStartEnv.put("AUTO_START", "false");
        ScriptRun noStart = ScriptRun.bash(RESTORE_JOB, noStartEnv);
        assertThat(noStart.exit()).as(noStart.toString()).isZero();
        assertThat(noStart.out()).contains("restored backup " + backupId + " to time ").contains("PostgreSQL was not started");
        assertThat(noStart.err()).contains("replays the WAL and opens on the StatefulSet's next start");
        assertThat(s.pg.isRunning()).isFalse();
        assertThat(s.pg.pgdata().resolve("recovery.signal")).exists();
        assertThat(Files.readString(s.pg.pgdata().resolve("postgresql.auto.conf"))).contains("recovery_target_time = '");

        // the manifest's defaults: BACKUP_ID empty (walden picks the backup), AUTO_START unset (true)
        Map<String, String> autoStartEnv = new HashMap<>(env);
        autoStartEnv.put("TARGET_TIME", targetTime);
        autoStartEnv.put("BACKUP_ID", "");
        ScriptRun autoStart = ScriptRun.bash(RESTORE_JOB, autoStartEnv);
        assertThat(autoStart.exit()).as(autoStart.toString()).isZero();
        assertThat(autoStart.out()).contains("restored backup " + backupId + " to time ");
        assertThat(autoStart.err()).contains("PostgreSQL was shut down cleanly");
        assertThat(s.pg.isRunning()).isFalse();
        assertThat(s.pg.pgdata().resolve("postmaster.pid")).doesNotExist();
        assertThat(s.pg.pgdata().resolve("recovery.signal")).as("promoted before the shutdown").doesNotExist();
        s.pg.start(); // the StatefulSet's start
        assertThat(s.pg.queryString("SELECT pg_is_in_recovery()::text")).isEqualTo("false");
        assertThat(s.count("t")).as("replay stopped at the target").isEqualTo(1100);
    }

    private Map<String, String> cloneEnv(Path pgdata, Path ownRepo) {
        return new HashMap<>(Map.of(
                "WALDEN_BIN", launcher.toString(),
                "PGDATA", pgdata.toString(),
                "WALDEN_REPO", ownRepo.toString(),
                "WALDEN_CLONE_FROM", s.repo.toString()));
    }

    private static Connection connect(int port) {
        return new PgConnector(new ConnectionSettings("127.0.0.1", port, "postgres", "postgres", Optional.empty(), Map.of())).open();
    }

    private static long queryLong(int port, String sql) throws SQLException {
        try (Connection c = connect(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits (up to a minute) until the server has left recovery: replay reached its end or target and promoted. */
    private static void awaitPromoted(int port) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (queryLong(port, "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END") == 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server on port " + port + " was still in recovery after a minute");
            }
            Scenario.pause(100);
        }
    }

    /** Every path under {@code root} with its size and content hash: equal trees mean nothing was changed. */
    private static List<String> tree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.sorted().map(p -> {
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    return rel + "/";
                }
                try {
                    byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                    return rel + " " + Files.size(p) + " " + HexFormat.of().formatHex(hash);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
