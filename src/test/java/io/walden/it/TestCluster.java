package io.walden.it;

import io.walden.pg.ShellQuote;

import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgConnector;
import io.walden.pg.PgCtl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A real, throw-away PostgreSQL cluster for integration tests: initdb in a temp directory owned by the server
 * user, a free port on 127.0.0.1, WAL archiving on with the archive_command the test chooses. No mocks: walden
 * must work against the server it will meet in production.
 *
 * <p>The PostgreSQL major is the newest installed one, or system property {@code walden.pg.major}; system
 * property {@code walden.pg.bin} points at other binaries.
 */
public final class TestCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Path pgdata;
    private final Path logFile;
    private final int port;
    private final PgCtl pgCtl;

    private TestCluster(Path dir, int port, PgCtl pgCtl) {
        this.dir = dir;
        this.pgdata = pgCtl.pgdata();
        this.logFile = dir.resolve("postgresql.log");
        this.port = port;
        this.pgCtl = pgCtl;
    }

    /** A new stopped cluster in {@code baseDir/name} whose archive_command succeeds without archiving. */
    public static TestCluster create(Path baseDir, String name) {
        return create(baseDir, name, "true");
    }

    /** A new stopped cluster in {@code baseDir/name} archiving WAL with {@code archiveCommand}. */
    public static TestCluster create(Path baseDir, String name, String archiveCommand) {
        return create(baseDir, name, archiveCommand, binaries(), List.of());
    }

    /**
     * A new stopped cluster of the given binaries (another major than {@link #binaries()}), initdb run with
     * {@code extraInitdbArgs} added (e.g. {@code --wal-segsize=1}).
     */
    public static TestCluster create(Path baseDir, String name, String archiveCommand, PgBinaries bins,
                                     List<String> extraInitdbArgs) {
        String user = TestDirs.serverUser();
        Path dir = TestDirs.serverDir(baseDir, name);
        PgCtl pgCtl = new PgCtl(bins, dir.resolve("pgdata"), user);
        List<String> initdbArgs = new ArrayList<>(List.of("-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        initdbArgs.addAll(extraInitdbArgs);
        pgCtl.initdb(initdbArgs);
        int port = freePort();
        TestCluster cluster = new TestCluster(dir, port, pgCtl);
        cluster.appendConf(
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = " + quote(baseDir.toString()),
                "wal_level = replica",
                "archive_mode = on",
                "archive_command = " + quote(archiveCommand),
                "max_wal_senders = 4",
                "max_connections = 30",
                "shared_buffers = 16MB",
                "fsync = off",
                "logging_collector = off",
                "log_line_prefix = '%m [%p] '");
        return cluster;
    }

    /** Copies the built walden jar (system property walden.jar) into {@code baseDir}; see {@link TestDirs}. */
    public static Path installJar(Path baseDir) {
        return TestDirs.installJar(baseDir);
    }

    /**
     * The shell words that run walden from archive_command or restore_command: this JVM's java binary, fast
     * start-up flags, {@code -jar} and the installed jar, each shell-quoted. Append walden's arguments.
     */
    public static String waldenCommand(Path installedJar) {
        return String.join(" ", ShellQuote.quote(thisJava()), "-Xrs", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-jar", ShellQuote.quote(installedJar.toAbsolutePath().toString()));
    }

    private static String thisJava() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * walden for a long-running command (the daemon), as bin/walden starts it: without -Xrs, so that SIGTERM runs
     * its shutdown hook, and with its bounded heap.
     */
    public static String longRunningWaldenCommand(Path installedJar) {
        return String.join(" ", ShellQuote.quote(thisJava()), "-Xmx256m", "-Xshare:auto",
                "-jar", ShellQuote.quote(installedJar.toAbsolutePath().toString()));
    }


    /** Sets archive_command (a reload applies it when running). */
    public TestCluster withArchiveCommand(String archiveCommand) {
        appendConf("archive_command = " + quote(archiveCommand));
        return this;
    }

    /** Appends settings to postgresql.conf (later lines win) and reloads a running server. */
    public void appendConf(String... lines) {
        try {
            Files.writeString(pgdata.resolve("postgresql.conf"), String.join("\n", lines) + "\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (isRunning()) {
            pgCtl.reload();
        }
    }

    public void start() {
        pgCtl.startAndWait(logFile, OptionalInt.empty(), START_TIMEOUT);
    }

    public void stop() {
        pgCtl.stop("fast", STOP_TIMEOUT);
    }

    public void stopImmediate() {
        pgCtl.stop("immediate", STOP_TIMEOUT);
    }

    public boolean isRunning() {
        return pgCtl.isRunning();
    }

    public Path pgdata() {
        return pgdata;
    }

    /** The directory holding pgdata and the log; deleted by {@link #close()}. */
    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public PgCtl pgCtl() {
        return pgCtl;
    }

    public String osUser() {
        return pgCtl.osUser();
    }

    /** Settings reaching this cluster as the superuser postgres, database postgres. */
    public ConnectionSettings connectionSettings() {
        return new ConnectionSettings("127.0.0.1", port, "postgres", "postgres", Optional.empty(), Map.of());
    }

    /** A new superuser connection; the caller closes it. */
    public Connection connect() {
        return new PgConnector(connectionSettings()).open();
    }

    /** Runs each statement in autocommit mode. */
    public void sql(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + pgdata + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row as a long. */
    public long queryLong(String sql) {
        return Long.parseLong(queryString(sql));
    }

    /** The first column of the first row as text (null for SQL NULL). */
    public String queryString(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row from: " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + pgdata + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server immediately if it runs and deletes the cluster's directory. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        try {
            if (isRunning()) {
                stopImmediate();
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            TestDirs.deleteTree(dir);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public String toString() {
        return "TestCluster[" + pgdata + " on port " + port + "]";
    }

    /** The binaries to run test clusters with. */
    public static PgBinaries binaries() {
        Optional<Path> override = Optional.ofNullable(System.getProperty("walden.pg.bin")).map(Path::of);
        String major = System.getProperty("walden.pg.major");
        if (major != null) {
            return PgBinaries.locate(Integer.parseInt(major), override);
        }
        List<Integer> installed = PgBinaries.installedMajors();
        if (installed.isEmpty()) {
            throw new IllegalStateException("no PostgreSQL server is installed under /usr/lib/postgresql; "
                    + "run bin/test, which installs it, or set -Dwalden.pg.major (and -Dwalden.pg.bin)");
        }
        return PgBinaries.locate(installed.get(0), override);
    }

    /** A currently free TCP port on 127.0.0.1. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} as a postgresql.conf string literal. */
    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
