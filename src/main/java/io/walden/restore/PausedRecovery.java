package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.pg.PgCtl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * Moves a server paused at a recovery target on to a later target without a new restore. PostgreSQL reads
 * recovery targets only at start-up, so the server is stopped (fast: its restartpoint keeps the replay done
 * so far), given the new target, started again and watched until it pauses there.
 */
public final class PausedRecovery {
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);

    private final PgCtl server;

    public PausedRecovery(PgCtl server) {
        this.server = server;
    }

    /** Writes {@code config} (the new target), restarts the server on {@code port} and waits until it pauses. */
    public RecoveryOutcome advance(RecoveryConfig config, OptionalInt port, Duration timeout) throws IOException {
        Path pgdata = server.pgdata();
        if (!Files.exists(pgdata.resolve("recovery.signal"))) {
            throw new WaldenException("the server in " + pgdata + " has left recovery (it was promoted), so it cannot replay further",
                    "stop it and start a new preview at the later time");
        }
        server.stop("fast", STOP_TIMEOUT);
        config.writeTo(pgdata);
        // a fresh log per start: the monitor must not read the previous pause as this one
        Path log = pgdata.resolve("log").resolve("walden-advance-" + Instant.now().toEpochMilli() + ".log");
        Files.createDirectories(log.getParent());
        server.startNoWait(log, port, Restorer.serverOptionsForRecovery(List.of()));
        return new RecoveryMonitor(pgdata, log, "pause", timeout).await();
    }
}
