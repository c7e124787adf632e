package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.time.Instant;

/**
 * A checkpoint record (CheckPoint): recovery that starts from it replays WAL from {@link #redo()}. The layout
 * is the same in PostgreSQL 13 to 17: 17 put wal_level into what was padding after fullPageWrites.
 *
 * @param shutdown  written by a clean shutdown (or at the end of crash recovery), not while running
 * @param nextXid   the next full transaction id: epoch in the high 32 bits, xid in the low 32
 * @param time      when the checkpoint started, to the second
 */
public record Checkpoint(Lsn lsn, Lsn end, boolean shutdown, Lsn redo, int timeline, int previousTimeline,
                         boolean fullPageWrites, long nextXid, long nextOid, long oldestXid, long oldestActiveXid,
                         Instant time) implements WalEvent {
}
