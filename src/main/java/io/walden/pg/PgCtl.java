package io.walden.pg;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Controls one cluster with initdb and pg_ctl, run as the OS user that owns it. Every command runs from "/"
 * so that the server user never needs access to walden's working directory (often root's home).
 */
public final class PgCtl {
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration QUICK_TIMEOUT = Duration.ofSeconds(60);
    /** Extra time given to pg_ctl beyond its own -t, so that pg_ctl reports the timeout, not us. */
    private static final Duration SLACK = Duration.ofSeconds(30);
    private static final Set<String> STOP_MODES = Set.of("smart", "fast", "immediate");
    private static final int LOG_TAIL_LINES = 15;
    private static final Path NEUTRAL_DIRECTORY = Path.of("/");

    private final PgBinaries bins;
    private final Path pgdata;
    private final String osUser;

    public PgCtl(PgBinaries bins, Path pgdata, String osUser) {
        this.bins = Objects.requireNonNull(bins, "bins");
        this.pgdata = pgdata.toAbsolutePath().normalize();
        this.osUser = Objects.requireNonNull(osUser, "osUser");
    }

    public Path pgdata() {
        return pgdata;
    }

    public String osUser() {
        return osUser;
    }

    public PgBinaries bins() {
        return bins;
    }

    /** Creates a new cluster in pgdata with {@code initdb -D pgdata extraArgs...}. */
    public void initdb(List<String> extraArgs) {
        List<String> command = new ArrayList<>(List.of(bins.initdb().toString(), "-D", pgdata.toString()));
        command.addAll(extraArgs);
        run(command, INITDB_TIMEOUT);
    }

    /** Starts the server without waiting for it to accept connections (recovery may take hours). */
    public void startNoWait(Path logFile, OptionalInt port) {
        startNoWait(logFile, port, List.of());
    }

    /** As {@link #startNoWait(Path, OptionalInt)}, passing {@code serverOptions} to postgres (pg_ctl -o). */
    public void startNoWait(Path logFile, OptionalInt port, List<String> serverOptions) {
        run(startCommand("-W", logFile, port, serverOptions), QUICK_TIMEOUT);
    }

    /** Starts the server and waits up to {@code timeout} until it accepts connections. */
    public void startAndWait(Path logFile, OptionalInt port, Duration timeout) {
        startAndWait(logFile, port, List.of(), timeout);
    }

    /** As {@link #startAndWait(Path, OptionalInt, Duration)}, passing {@code serverOptions} to postgres. */
    public void startAndWait(Path logFile, OptionalInt port, List<String> serverOptions, Duration timeout) {
        List<String> command = startCommand("-w", logFile, port, serverOptions);
        command.addAll(List.of("-t", Long.toString(Math.max(1, timeout.toSeconds()))));
        try {
            run(command, timeout.plus(SLACK));
        } catch (WaldenException e) {
            // the server log holds the cause; pg_ctl only says that it gave up
            throw new WaldenException("PostgreSQL in " + pgdata + " did not start" + serverLogTail(logFile),
                    "read the server log " + logFile + " for the cause", e);
        }
    }

    /** True when a server is running on pgdata ({@code pg_ctl status} exits 0). */
    public boolean isRunning() {
        return ProcessRunner.run(asUser(List.of(bins.pgCtl().toString(), "status", "-D", pgdata.toString())),
                NEUTRAL_DIRECTORY, QUICK_TIMEOUT).succeeded();
    }

    /** Stops the server ("smart", "fast" or "immediate") and waits; nothing happens when it is not running. */
    public void stop(String mode, Duration timeout) {
        if (!STOP_MODES.contains(mode)) {
            throw new IllegalArgumentException("unknown stop mode: " + mode);
        }
        if (!isRunning()) {
            return;
        }
        List<String> command = List.of(bins.pgCtl().toString(), "stop", "-D", pgdata.toString(), "-m", mode, "-w",
                "-t", Long.toString(Math.max(1, timeout.toSeconds())));
        ProcessResult result = ProcessRunner.run(asUser(command), NEUTRAL_DIRECTORY, timeout.plus(SLACK));
        if (!result.succeeded() && isRunning()) {
            throw new WaldenException("PostgreSQL in " + pgdata + " did not stop (pg_ctl stop -m " + mode
                    + " exited " + result.exitCode() + "): " + String.join(" ", result.lastLines(3)),
                    "stop it with pg_ctl stop -D " + pgdata + " -m immediate, then retry");
        }
    }

    /** Ends recovery on a standby or paused recovery and waits until the server is a primary. */
    public void promote() {
        run(List.of(bins.pgCtl().toString(), "promote", "-D", pgdata.toString(), "-w"), QUICK_TIMEOUT);
    }

    /** Makes the server re-read its configuration files. */
    public void reload() {
        run(List.of(bins.pgCtl().toString(), "reload", "-D", pgdata.toString()), QUICK_TIMEOUT);
    }

    private List<String> startCommand(String waitFlag, Path logFile, OptionalInt port, List<String> serverOptions) {
        prepareLogFile(logFile);
        List<String> command = new ArrayList<>(List.of(bins.pgCtl().toString(), "start", waitFlag,
                "-D", pgdata.toString(), "-l", logFile.toAbsolutePath().toString()));
        List<String> options = new ArrayList<>(serverOptions);
        port.ifPresent(p -> options.addAll(List.of("-p", Integer.toString(p))));
        if (!options.isEmpty()) {
            command.addAll(List.of("-o", ShellQuote.join(options)));
        }
        return command;
    }

    /** The server appends to the log as osUser, so the file must exist and belong to it. */
    private void prepareLogFile(Path logFile) {
        try {
            if (Files.notExists(logFile)) {
                Files.createFile(logFile);
            }
        } catch (IOException e) {
            throw new WaldenException("cannot create the server log " + logFile + ": " + e.getMessage(),
                    "choose a log file in a writable directory");
        }
        OsUser.chown(logFile, osUser);
    }

    private void run(List<String> command, Duration timeout) {
        ProcessRunner.runChecked(asUser(command), NEUTRAL_DIRECTORY, timeout);
    }

    private List<String> asUser(List<String> command) {
        return OsUser.commandAs(osUser, command);
    }

    private static String serverLogTail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return tail.isEmpty() ? "" : "\nserver log " + logFile + ":\n  " + String.join("\n  ", tail);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "pg_ctl for " + pgdata + " as " + osUser + " (" + bins + ")";
    }
}
