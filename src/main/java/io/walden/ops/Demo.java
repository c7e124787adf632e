package io.walden.ops;

import io.walden.backup.BackupKind;
import io.walden.backup.Backuper;
import io.walden.backup.CatalogReader;
import io.walden.codec.Compression;
import io.walden.error.WaldenException;
import io.walden.ops.blame.Blame;
import io.walden.ops.blame.Finding;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgConnector;
import io.walden.pg.PgCtl;
import io.walden.pg.ProcessRunner;
import io.walden.pg.ShellQuote;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestoreRequest;
import io.walden.restore.RestoreResult;
import io.walden.restore.Restorer;
import io.walden.restore.Times;
import io.walden.restore.WalFlusher;
import io.walden.storage.LocalStorage;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The main job, end to end, on a throwaway cluster: archive WAL, take a backup, write more, make the
 * classic mistake (DROP TABLE), find the transaction that did it, restore to just before it, and show the
 * rows are back.
 */
public final class Demo {
    private static final String TABLE = "orders";

    private final Path dir;
    private final Path jar;
    private final Optional<Path> pgBin;
    private final boolean keep;
    private final PrintStream out;

    public Demo(Path dir, Path jar, Optional<Path> pgBin, boolean keep, PrintStream out) {
        this.dir = dir.toAbsolutePath().normalize();
        this.jar = jar;
        this.pgBin = pgBin;
        this.keep = keep;
        this.out = out;
    }

    public void run() throws Exception {
        List<Integer> majors = PgBinaries.installedMajors();
        PgBinaries bins = PgBinaries.locate(majors.isEmpty() ? 15 : majors.get(0), pgBin);
        String user = OsUser.unprivilegedServerUser();
        Path pgdata = dir.resolve("pgdata");
        Path repoDir = dir.resolve("repo");
        PgCtl server = new PgCtl(bins, pgdata, user);
        stopLeftover(server);
        DirectoryTree.delete(dir);
        Files.createDirectories(repoDir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path installedJar = dir.resolve("walden.jar");
        Files.copy(jar, installedJar, StandardCopyOption.REPLACE_EXISTING);
        OsUser.chownTree(dir, user);
        checkReachable(user);
        String walden = ShellQuote.join(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xrs", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                installedJar.toString(), "--repo", repoDir.toString()));
        int port = freePort();

        step("1. a throwaway PostgreSQL " + bins.major() + " cluster in " + pgdata + " (port " + port + ", OS user " + user + ")");
        server.initdb(List.of("-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        Files.writeString(pgdata.resolve("postgresql.conf"), String.join("\n",
                "", "# walden demo", "port = " + port, "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'", "wal_level = replica", "archive_mode = on",
                "archive_command = '" + walden.replace("'", "''") + " wal-push %p'", "") , java.nio.file.StandardOpenOption.APPEND);
        out.println("   archive_command = '" + walden + " wal-push %p'");
        Path log = dir.resolve("server.log");
        server.startAndWait(log, OptionalInt.empty(), Duration.ofSeconds(60));
        PgConnector connector = new PgConnector(ConnectionSettings.resolve(
                Optional.of("postgresql://postgres@127.0.0.1:" + port + "/postgres"), Map.of(), Optional.empty()));
        try {
            try (Connection c = connector.open(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, amount numeric, created_at timestamptz DEFAULT now())");
                s.execute("INSERT INTO " + TABLE + " SELECT g, g * 1.5 FROM generate_series(1, 10000) g");
            }
            out.println("   created table " + TABLE + " with " + count(connector) + " rows");

            step("2. walden backup");
            Repository repository = new Repository(new LocalStorage(repoDir));
            Manifest m;
            try (Connection c = connector.open()) {
                m = new Backuper(repository, c, new Backuper.Options(pgdata, "demo", Runtime.getRuntime().availableProcessors(),
                        true, Duration.ofSeconds(60), "demo", Duration.ZERO, BackupKind.Requested.FULL, Duration.ofDays(7), 10),
                        new NoProgress(), new CatalogReader(connector)).run();
            }
            out.printf("   backup %s: %d files, %d kB, stored %d kB, WAL %s to %s%n", m.id(), m.files().size(),
                    m.originalSize() / 1024, m.storedSize() / 1024, m.startLsn(), m.stopLsn());

            step("3. the application keeps writing after the backup");
            try (Connection c = connector.open(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + TABLE + " SELECT g, g * 1.5 FROM generate_series(10001, 15000) g");
            }
            long before = count(connector);
            out.println("   " + TABLE + " has " + before + " rows");

            step("4. the mistake: DROP TABLE " + TABLE);
            try (Connection c = connector.open(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + TABLE);
            }
            out.println("   " + TABLE + " exists: " + tableExists(connector));
            if (!new WalFlusher(repository, connector, line -> out.println("   " + line)).flush(m.walSegmentSize())) {
                throw new WaldenException("the demo's WAL did not reach the repository", "read the server log " + log);
            }

            step("5. walden blame --table " + TABLE + ": which transaction did it?");
            Blame.Report blame = new Blame(repository).run(new Blame.Request(Optional.of(TABLE), Optional.empty(),
                    Optional.empty(), 1, 1), Blame.Progress.NONE);
            if (blame.findings().isEmpty()) {
                throw new WaldenException("blame found no transaction that destroyed " + TABLE, null);
            }
            Finding culprit = blame.findings().get(0);
            out.printf("   xid %d, committed %s: %s%n", culprit.xid(), Times.format(culprit.commitTime()),
                    culprit.effects().get(0).describe());

            step("6. walden restore --target-xid " + culprit.xid() + " --exclusive (just before it)");
            RestoreRequest request = new RestoreRequest(pgdata, new RecoveryTarget.Xid(culprit.xid()), true, "promote",
                    Optional.empty(), "latest", false, false, false, true, OptionalInt.empty(),
                    Runtime.getRuntime().availableProcessors(), Duration.ofMinutes(10), walden + " wal-fetch %f %p", null,
                    Optional.of(bins.binDir()), connector, false);
            RestoreResult r = new Restorer(repository, request, n -> { }, line -> out.println("   " + line)).run();
            out.println("   recovery stopped " + (r.stoppedAt() == null ? "at the target" : r.stoppedAt()));

            step("7. the proof");
            long after = count(connector);
            out.printf("   rows before the mistake: %d, after the restore: %d%n", before, after);
            out.printf("   the restore took %s, from stopping the server to accepting connections%n", seconds(r.elapsed()));
            if (after != before) {
                throw new WaldenException("the demo restore did not bring back all rows (" + after + " of " + before + ")",
                        "read the server log " + r.serverLog());
            }
            out.println();
            out.println("demo passed: the dropped table is back with all " + after + " rows");
        } finally {
            server.stop("immediate", Duration.ofSeconds(60));
            if (keep) {
                out.println("kept " + dir + " (--keep); remove it with: rm -rf " + dir);
            } else {
                DirectoryTree.delete(dir);
            }
        }
    }

    private void step(String title) {
        out.println();
        out.println(title);
    }

    private static String seconds(Duration d) {
        return d.toMillis() < 120_000 ? String.format("%.1f s", d.toMillis() / 1000.0) : d.toMinutes() + " min";
    }

    private void checkReachable(String user) {
        if (!OsUser.isRoot() || user.equals("root")) {
            return;
        }
        var result = ProcessRunner.run(OsUser.commandAs(user, List.of("test", "-w", dir.toString())), Path.of("/"), Duration.ofSeconds(10));
        if (!result.succeeded()) {
            throw new WaldenException("the PostgreSQL OS user '" + user + "' cannot reach " + dir,
                    "run the demo from a directory that user can enter, e.g. cd /tmp && " + "walden demo");
        }
    }

    private static void stopLeftover(PgCtl server) {
        if (Files.exists(server.pgdata().resolve("postmaster.pid"))) {
            try {
                server.stop("immediate", Duration.ofSeconds(30));
            } catch (RuntimeException ignored) {
                // a stale pid file from an interrupted run
            }
        }
    }

    private static long count(PgConnector connector) throws SQLException {
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static boolean tableExists(PgConnector connector) throws SQLException {
        try (Connection c = connector.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final class NoProgress implements Backuper.Progress {
        @Override
        public void started(long totalBytes) {
        }

        @Override
        public void copied(long bytes) {
        }
    }
}
