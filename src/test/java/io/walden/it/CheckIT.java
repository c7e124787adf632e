package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.walden.repo.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** walden check against a real cluster: each exit code from a real condition, and the lines that say why. */
class CheckIT {
    /** The test machine's disk is not under test: only 100% full would count. */
    private static final String ANY_DISK = "--max-repo-usage=100%";

    @Test
    void theExitCodeIsTheWorstFinding() throws Exception {
        try (Scenario s = new Scenario("check")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 100)", "SELECT pg_switch_wal()");
            awaitArchivedSegment(s.repo);

            // archiving works, but there is no backup yet
            Cli.Result noBackup = check(s, ANY_DISK);
            assertThat(noBackup.exit()).as(noBackup.toString()).isEqualTo(2);
            assertThat(noBackup.out().lines()).contains(
                    "CRITICAL  backup            no backup in the repository at " + s.repo,
                    "          do: take one: walden --repo " + s.repo + " backup --pgdata PGDATA");

            // a backup, and a server left at archive_timeout = 0: a warning only
            String id = s.backup();
            Cli.Result timeoutOff = check(s, ANY_DISK);
            assertThat(timeoutOff.exit()).as(timeoutOff.toString()).isEqualTo(1);
            assertThat(timeoutOff.out().lines()).contains(
                    "OK        wal_level         replica",
                    "OK        archive_mode      on",
                    "WARNING   archive_timeout   0: up to a whole segment of commits can be lost",
                    "          do: set archive_timeout = 60s in postgresql.conf and reload PostgreSQL");
            assertThat(timeoutOff.out().lines().filter(l -> l.startsWith("WARNING") || l.startsWith("CRITICAL")))
                    .as(timeoutOff.toString()).hasSize(1);

            s.pg.appendConf("archive_timeout = 60s");
            awaitSetting(s, "archive_timeout", "1min");
            Cli.Result healthy = check(s, ANY_DISK);
            assertThat(healthy.exit()).as(healthy.toString()).isZero();
            assertThat(healthy.out().lines()).contains("OK        archive_timeout   60 s")
                    .anyMatch(l -> l.startsWith("OK        backup            latest " + id + " ended "))
                    .anyMatch(l -> l.startsWith("OK        archive_command   ") && l.contains("wal-push %p"))
                    .allMatch(l -> l.startsWith("OK  "));
            System.out.println("walden check, all well:\n" + healthy.out());

            JsonNode json = Json.mapper().readTree(check(s, ANY_DISK, "--json").out());
            assertThat(json.get("status").asText()).isEqualTo("OK");
            assertThat(json.get("exitCode").asInt()).isZero();
            assertThat(json.get("findings")).hasSize(9);
            assertThat(json.get("findings").get(0).get("what").asText()).isEqualTo("backup");

            // nothing archived for longer than the WAL age: a warning, from the flag and from the environment
            Scenario.pause(2500);
            Cli.Result staleWal = check(s, ANY_DISK, "--max-wal-age", "1s");
            assertThat(staleWal.exit()).as(staleWal.toString()).isEqualTo(1);
            assertThat(staleWal.out().lines()).anyMatch(l -> l.startsWith("WARNING   wal               newest ") && l.endsWith(", older than 1 s"));
            Cli.Result fromEnv = s.cli.with("WALDEN_MAX_WAL_AGE", "1s").run("check", ANY_DISK);
            assertThat(fromEnv.exit()).as(fromEnv.toString()).isEqualTo(1);
            System.out.println("walden check --max-wal-age 1s:\n" + staleWal.out());

            // the backup is older than allowed: critical
            Cli.Result oldBackup = check(s, ANY_DISK, "--max-backup-age", "1s");
            assertThat(oldBackup.exit()).as(oldBackup.toString()).isEqualTo(2);
            assertThat(oldBackup.out().lines()).anyMatch(l -> l.startsWith("CRITICAL  backup            latest " + id + " ended ")
                    && l.endsWith(" (1 backup), older than 1 s"));

            // no server where the environment points: a warning, and the repository is still checked
            Cli.Result noServer = s.cli.with("PGPORT", Integer.toString(closedPort())).run("check", ANY_DISK);
            assertThat(noServer.exit()).as(noServer.toString()).isEqualTo(1);
            assertThat(noServer.out().lines()).anyMatch(l -> l.startsWith("WARNING   server            not reachable: cannot connect to PostgreSQL at 127.0.0.1:"))
                    .anyMatch(l -> l.startsWith("OK        backup "));

            // a bad threshold is a usage error, and says what it expects
            Cli.Result bad = check(s, "--max-wal-age", "30");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("'30' is not an age; write a number and a unit: 90s, 30m, 48h, 7d");

            // a path where no repository is: critical, with the hint
            Path empty = Files.createTempDirectory(s.base, "empty-repo");
            Cli.Result noRepo = s.cli.with("WALDEN_REPO", empty.toString()).run("check", ANY_DISK);
            assertThat(noRepo.exit()).as(noRepo.toString()).isEqualTo(2);
            assertThat(noRepo.out().lines()).contains("CRITICAL  repository        no walden repository at " + empty);
        }
    }

    private static Cli.Result check(Scenario s, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "check";
        System.arraycopy(args, 0, all, 1, args.length);
        return s.cli.run(all);
    }

    private static void awaitArchivedSegment(Path repo) throws IOException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.isDirectory(repo.resolve("wal"))) {
                try (Stream<Path> files = Files.walk(repo.resolve("wal"))) {
                    if (files.anyMatch(p -> p.getFileName().toString().matches("[0-9A-F]{24}"))) {
                        return;
                    }
                }
            }
            Scenario.pause(200);
        }
        throw new AssertionError("no WAL segment archived into " + repo);
    }

    /** A reload reaches new connections a moment after pg_ctl returns. */
    private static void awaitSetting(Scenario s, String name, String value) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!value.equals(s.pg.queryString("SHOW " + name))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(name + " did not become " + value);
            }
            Scenario.pause(100);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
