package io.walden.it;

import io.walden.pg.PgBinaries;
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
    /** The local repository folder, or null when the repository is elsewhere. */
    final Path repo;
    final String repoSpec;
    final String walden;
    final TestCluster pg;
    final Cli cli;

    /** Where the repository is and what every walden call (archive_command included) needs to reach it. */
    record Setup(String repoSpec, Path localRepo, String waldenFlags, Map<String, String> env, boolean external) {
        Setup(String repoSpec, Path localRepo, String waldenFlags, Map<String, String> env) {
            this(repoSpec, localRepo, waldenFlags, env, false);
        }
    }

    /** A local repository in the base directory. */
    Scenario(String name) {
        this(name, base -> {
            Path repo = TestDirs.serverDir(base, "repo");
            return new Setup(repo.toString(), repo, "", Map.of());
        });
    }

    /**
     * {@code setup} decides the repository from the base directory (it may create a keyset there first);
     * its flags go into archive_command, its environment into the command line's environment.
     */
    Scenario(String name, java.util.function.Function<Path, Setup> setup) {
        this(name, null, setup);
    }

    /**
     * As above, on the server binaries {@code server} unpacks into the base directory (another major than the
     * installed one); walden is told where they are through WALDEN_PG_BIN. A null {@code server} means the
     * installed binaries.
     */
    Scenario(String name, java.util.function.Function<Path, PgBinaries> server, java.util.function.Function<Path, Setup> setup) {
        base = TestDirs.newBaseDir("walden-" + name);
        jar = TestCluster.installJar(base);
        walden = TestCluster.waldenCommand(jar);
        PgBinaries bins = server == null ? null : server.apply(base);
        Setup chosen = setup.apply(base);
        repo = chosen.localRepo();
        repoSpec = chosen.repoSpec();
        pg = TestCluster.create(base, "main", envPrefix(chosen.env()) + walden + " --repo " + ShellQuote.quote(repoSpec)
                + chosen.waldenFlags() + " wal-push %p", bins == null ? TestCluster.binaries() : bins, java.util.List.of());
        pg.start();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "WALDEN_LAUNCHER", walden,
                "WALDEN_REPO", repoSpec,
                "PGHOST", "127.0.0.1",
                "PGPORT", Integer.toString(pg.port()),
                "PGUSER", "postgres",
                "PGDATABASE", "postgres"));
        env.putAll(chosen.env());
        if (bins != null) {
            env.put("WALDEN_PG_BIN", bins.binDir().toString());
        }
        cli = chosen.external() ? new Cli(env).external(walden) : new Cli(env);
    }

    /** "A=1 B=2 " so that archive_command sees the settings whatever environment the server has. */
    private static String envPrefix(Map<String, String> env) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(env).forEach((k, v) -> b.append(k).append('=').append(ShellQuote.quote(v)).append(' '));
        return b.toString();
    }

    Cli.Result ok(String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as("walden %s\n%s", String.join(" ", args), r).isZero();
        return r;
    }

    /** Takes a backup (extra flags, e.g. "--type", "full") and returns its id. */
    String backup(String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "backup";
        args[1] = "--pgdata";
        args[2] = pg.pgdata().toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        Cli.Result r = ok(args);
        String first = r.out().lines().findFirst().orElseThrow();
        assertThat(first).matches("backup \\d{8}T\\d{6}Z(-\\d+)? complete \\((full|incremental against \\S+)\\)");
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

    /**
     * Ends the current WAL segment and waits (up to a minute) until archive_command has stored it: a fixed
     * pause would fail on a busy machine.
     */
    void switchWalAndWaitArchived() {
        String segment = pg.queryString("SELECT pg_walfile_name(pg_switch_wal())");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            String last = pg.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
            if (last.compareTo(segment) >= 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("WAL segment " + segment + " was not archived within a minute (last: " + last + ")");
            }
            pause(100);
        }
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
