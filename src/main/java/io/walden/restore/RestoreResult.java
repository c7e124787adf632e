package io.walden.restore;

import java.nio.file.Path;
import java.time.Duration;

/** What a restore did: the plan it followed, where recovery stopped, where the old PGDATA is kept. */
public record RestoreResult(RestorePlan plan, Path pgdata, RecoveryOutcome outcome, Path snapshot,
                            Path serverLog, Duration elapsed, boolean started) {
    public String stoppedAt() {
        return outcome == null ? null : outcome.stoppedAt();
    }

    public Integer newTimeline() {
        return outcome == null ? null : outcome.newTimeline();
    }

    public String state() {
        return outcome == null ? null : outcome.state();
    }

    public String lastTransaction() {
        return outcome == null ? null : outcome.lastTransaction();
    }
}
