package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.time.Instant;

/** pg_create_restore_point(name) (xl_restore_point): a target for recovery_target_name. */
public record RestorePoint(Lsn lsn, Lsn end, Instant time, String name) implements WalEvent {
}
