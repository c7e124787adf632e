package io.walden.restore;

import io.walden.wal.Lsn;

import java.time.Instant;

/**
 * The span a restore can reach on one timeline lineage: from the end of the oldest usable backup to the
 * end of the archived WAL that follows it without a gap.
 */
public record RecoverableWindow(Instant from, Instant to, Lsn fromLsn, Lsn toLsn, int timeline) {
    public String describe() {
        return Times.format(from) + " to " + Times.format(to) + " (timeline " + timeline + ")";
    }
}
