package io.walden.restore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryMonitorTest {
    @TempDir
    Path pgdata;

    /** A running postmaster (this JVM stands in for it) that logged {@code log}. */
    private Path serverThatLogged(String log) throws Exception {
        Files.writeString(pgdata.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + pgdata + "\n1700000000\n5433\n");
        Files.writeString(pgdata.resolve("recovery.signal"), "");
        Path logFile = pgdata.resolve("server.log");
        Files.writeString(logFile, log);
        return logFile;
    }

    @Test
    void aPauseAtTheTargetIsSeen() throws Exception {
        Path log = serverThatLogged("""
                LOG:  recovery stopping before commit of transaction 728, time 2026-11-21 11:45:35.860247+00
                LOG:  pausing at the end of recovery
                HINT:  Execute pg_wal_replay_resume() to promote.
                """);
        RecoveryOutcome outcome = new RecoveryMonitor(pgdata, log, "pause", Duration.ofSeconds(5)).await();
        assertThat(outcome.stoppedAt()).isEqualTo("before commit of transaction 728, time 2026-11-21 11:45:35.860247+00");
        assertThat(outcome.state()).startsWith("paused at the target");
    }

    @Test
    void aPauseAskedForDuringReplayIsSeenToo() throws Exception {
        Path log = serverThatLogged("LOG:  recovery has paused\n");
        assertThat(new RecoveryMonitor(pgdata, log, "pause", Duration.ofSeconds(5)).await().state()).startsWith("paused");
    }
}
