package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.time.Instant;

/**
 * Recovery ended (xl_end_of_recovery) and the server switched from {@link #previousTimeline()} to
 * {@link #timeline()}: written on promotion and at the end of archive recovery instead of a checkpoint.
 */
public record EndOfRecovery(Lsn lsn, Lsn end, Instant time, int timeline, int previousTimeline) implements WalEvent {
}
