package io.walden.it;

import io.walden.pg.ShellQuote;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cluster archiving into one walden repository through archive_command, plus a walden command line
 * whose environment points at both. Everything lives in a fresh base directory.
 */
final class Scenario implements AutoCloseable {
    final Path base;
    final Path jar;
    final Path repo;
    final String walden;
    final TestCluster pg;
    final Cli cli;

    Scenario(String name) {
        base = TestDirs.newBaseDir("walden-" + name);
        jar = TestCluster.installJar(base);
        repo = TestDirs.serverDir(base, "repo");
        walden = TestCluster.waldenCommand(jar);
        pg = TestCluster.create(base, "main", walden + " --repo " + ShellQuote.quote(repo.toString()) + " wal-push %p");
        pg.start();
        cli = new Cli(Map.of(
                "WALDEN_LAUNCHER", walden,
                "WALDEN_REPO", repo.toString(),
                "PGHOST", "127.0.0.1",
                "PGPORT", Integer.toString(pg.port()),
                "PGUSER", "postgres",
                "PGDATABASE", "postgres"));
    }

    Cli.Result ok(String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as("walden %s\n%s", String.join(" ", args), r).isZero();
        return r;
    }

    String backup() {
        Cli.Result r = ok("backup", "--pgdata", pg.pgdata().toString());
        String first = r.out().lines().findFirst().orElseThrow();
        assertThat(first).matches("backup \\d{8}T\\d{6}Z(-\\d+)? complete");
        return first.split(" ")[1];
    }

    /** Restores in place and returns walden's output. */
    Cli.Result restore(String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "restore";
        args[1] = "--pgdata";
        args[2] = pg.pgdata().toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return ok(args);
    }

    long count(String table) {
        return pg.queryLong("SELECT count(*) FROM " + table);
    }

    int timeline() {
        return (int) pg.queryLong("SELECT timeline_id FROM pg_control_checkpoint()");
    }

    String serverNow() {
        return pg.queryString("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            pg.close();
        } finally {
            TestDirs.deleteTree(base);
        }
    }
}
