package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.pg.PostmasterPid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a server replaying WAL until recovery has reached its end: promoted and accepting
 * connections, paused at the target, or shut down at the target. It reads only postmaster.pid,
 * recovery.signal and the server log, so it needs no database login.
 */
final class RecoveryMonitor {
    private static final Pattern STOPPING = Pattern.compile("recovery stopping (.*)");
    private static final Pattern NEW_TIMELINE = Pattern.compile("selected new timeline ID: (\\d+)");
    private static final Pattern LAST_TX = Pattern.compile("last completed transaction was at log time (.*)");

    private final Path pgdata;
    private final Path logFile;
    private final String action;
    private final Duration timeout;

    RecoveryMonitor(Path pgdata, Path logFile, String action, Duration timeout) {
        this.pgdata = pgdata;
        this.logFile = logFile;
        this.action = action;
        this.timeout = timeout;
    }

    RecoveryOutcome await() {
        Instant deadline = Instant.now().plus(timeout);
        Instant noPidDeadline = Instant.now().plusSeconds(60);
        boolean seenRunning = false;
        while (true) {
            String log = log();
            Optional<PostmasterPid> pid = PostmasterPid.read(pgdata);
            boolean alive = pid.map(p -> ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).orElse(false);
            seenRunning |= alive;
            boolean recoveryDone = !Files.exists(pgdata.resolve("recovery.signal"));
            switch (action) {
                case "pause" -> {
                    // at a recovery target PostgreSQL says "pausing at the end of recovery"; after
                    // pg_wal_replay_pause() it says "recovery has paused"
                    if (alive && (log.contains("pausing at the end of recovery") || log.contains("recovery has paused"))) {
                        return outcome(log, "paused at the target; run SELECT pg_wal_replay_resume() to promote");
                    }
                }
                case "shutdown" -> {
                    if (!alive && seenRunning && log.contains("recovery stopping")) {
                        return outcome(log, "shut down at the target");
                    }
                }
                default -> {
                    // the postmaster's own word that recovery is over and the server is a primary
                    if (alive && recoveryDone && log.contains("database system is ready to accept connections")) {
                        return outcome(log, "running, accepting connections");
                    }
                }
            }
            if (!alive && (seenRunning || Instant.now().isAfter(noPidDeadline))) {
                throw failure(log);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new WaldenException("recovery did not finish within " + timeout.toMinutes() + " min" + tail(log),
                        "raise --timeout for large restores, or read the server log " + logFile);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaldenException("restore interrupted while PostgreSQL was recovering", null);
            }
        }
    }

    private String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private RecoveryOutcome outcome(String log, String state) {
        Integer tli = last(NEW_TIMELINE, log).map(Integer::parseInt).orElse(null);
        return new RecoveryOutcome(last(STOPPING, log).orElse(null), tli, last(LAST_TX, log).orElse(null), state);
    }

    private static Optional<String> last(Pattern p, String log) {
        Matcher m = p.matcher(log);
        String found = null;
        while (m.find()) {
            found = m.group(1).strip();
        }
        return Optional.ofNullable(found);
    }

    private WaldenException failure(String log) {
        if (log.contains("recovery ended before configured recovery target was reached")) {
            return new WaldenException("PostgreSQL replayed all archived WAL without reaching the target" + tail(log),
                    "the target is later than the last archived transaction; choose an earlier target, or archive the "
                            + "current WAL first (SELECT pg_switch_wal() on the source server)");
        }
        return new WaldenException("PostgreSQL stopped during recovery" + tail(log), "read the server log " + logFile);
    }

    private String tail(String log) {
        List<String> lines = Arrays.stream(log.split("\n")).filter(l -> !l.isBlank()).toList();
        List<String> last = lines.subList(Math.max(0, lines.size() - 8), lines.size());
        return last.isEmpty() ? "" : "; server log " + logFile + " ends with:\n  " + String.join("\n  ", last);
    }
}
